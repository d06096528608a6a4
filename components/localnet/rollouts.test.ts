/**
 * `pulumi up` waits for the pods, under Pulumi's mocks with a hand-driven watch: the provider's
 * await is handed over (every workload and Service carries the waitFor annotation), a part's
 * dependents are registered only once it has rolled out, and a pod that cannot pull its image is
 * reported as an error naming the image and its config key, at once.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { localnetSchema } from "../config/schema";
import { RolloutWaiter } from "../k8s/rollout-wait";
import { FakeSource, rolledOut } from "../../test/support/fake-object-source";
import { k, projectDir, runProgram, setRecordingMocks, setStackConfig, type Registered } from "../../test/support/mock-program";
import { parseStackConfig } from "../config/load";
import { handOverAwait } from "./rollouts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const defaults = localnetSchema.parse({}).images;

/** The program under mocks with a waiter, not awaited (its waits hold parts back): what it has registered so far. */
async function startProgram(waiter: RolloutWaiter): Promise<Registered[]> {
  const resources: Registered[] = [];
  await setRecordingMocks(resources);
  const raw = setStackConfig({});
  const { RelayMinerLocalnet } = await import("./index");
  new RelayMinerLocalnet("localnet", { ...parseStackConfig(raw, { projectDir }), projectDir, rolloutWaiter: waiter });
  await sleep(300);
  return resources;
}

function fakeWaiter(source: FakeSource) {
  const keys = new Map(Object.entries(defaults).map(([key, ref]) => [ref, `images.${key}`]));
  return new RolloutWaiter({ source: () => source, imageKeys: keys, tickMs: 10 });
}

describe("rollouts: the program waits for the pods", () => {
  test("every Deployment, StatefulSet and Service hands its await to the program (waitFor met at once; deletes still awaited)", async () => {
    const run = await runProgram();
    for (const type of [k.deployment, k.statefulSet, k.service]) {
      for (const r of run.ofType(type))
        assert.deepEqual(r.inputs.metadata.annotations?.["pulumi.com/waitFor"], handOverAwait["pulumi.com/waitFor"], `${type} ${r.inputs.metadata.name}`);
    }
    for (const r of run.ofType(k.job))
      assert.equal(r.inputs.metadata.annotations?.["pulumi.com/waitFor"], undefined, "the cluster Job keeps the provider's await (it fails when the Job fails)");
  });

  test("miners are registered only once Redis and the validator have rolled out, relayers once the miners have", async () => {
    const src = new FakeSource();
    const waiter = fakeWaiter(src);
    const resources = await startProgram(waiter);
    const has = (type: string, name: string) => resources.some((r) => r.type === type && r.inputs.metadata?.name === name);
    assert.ok(has(k.statefulSet, "redis") && has(k.deployment, "validator") && has(k.deployment, "backend"));
    assert.ok(!has(k.statefulSet, "miner"), "miners wait for Redis and the validator");
    src.set("statefulsets.apps", rolledOut("StatefulSet", "redis", 1));
    await sleep(200);
    assert.ok(!has(k.statefulSet, "miner"), "the validator has not rolled out yet");
    src.set("deployments.apps", rolledOut("Deployment", "validator", 1));
    await sleep(300);
    assert.ok(has(k.statefulSet, "miner"), "miners are registered once both rolled out");
    assert.ok(!has(k.statefulSet, "relayer"), "relayers wait for the miners (and the backend)");
    src.set("statefulsets.apps", rolledOut("StatefulSet", "miner", 2));
    src.set("deployments.apps", rolledOut("Deployment", "backend", 1));
    await sleep(300);
    assert.ok(has(k.statefulSet, "relayer"));
    waiter.close();
  });

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
});
