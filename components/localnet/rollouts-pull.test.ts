/** A pod that cannot pull its image is an error on its workload at once, naming the image and its config key. */
// test-runner: own process (its program is never awaited (its rollouts are held back by hand) and would record into the next file's mocks)
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeSource } from "../../test/support/fake-object-source";
import { defaultImages as defaults, fakeWaiter, sleep, startProgram } from "../../test/support/rollout-program";

test("a pod that cannot pull its image is reported at once as an error on its workload, naming the image and its config key", async () => {
  const src = new FakeSource();
  const errors: string[] = [];
  const original = console.error;
  // Under mocks Pulumi's log.error writes to the console.
  console.error = (...a: unknown[]) => errors.push(a.map(String).join(" "));
  try {
    await startProgram(fakeWaiter(src));
    src.set("pods", {
      metadata: { name: "validator-7d9-x2", labels: { "app.kubernetes.io/name": "validator", "app.kubernetes.io/part-of": "relayminer-localnet" } },
      spec: { containers: [{ name: "pocketd", image: defaults.pocketd }] },
      status: { containerStatuses: [{ name: "pocketd", state: { waiting: { reason: "ErrImagePull", message: "failed to resolve reference" } } }] },
    });
    await sleep(300);
  } finally {
    console.error = original;
  }
  const reported = errors.filter((e) => e.includes("cannot be pulled"));
  assert.equal(reported.length, 1, errors.join("\n"));
  assert.match(
    reported[0],
    new RegExp(
      `Deployment validator: pod validator-7d9-x2: image "${defaults.pocketd.replace(/[.]/g, "\\.")}" \\(images\\.pocketd\\) cannot be pulled: ErrImagePull: failed to resolve reference`,
    ),
  );
  assert.ok(src.closed, "the watch is closed once every wait has ended");
});
