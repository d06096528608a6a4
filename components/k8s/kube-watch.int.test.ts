/**
 * watchNamespace against a kubectl that is a script: the arguments that pick the cluster and the
 * namespace, indented watch events split into objects (DELETED removes one), a watch that ends is
 * listed again, and a kubectl that is missing or keeps failing is one clear error.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchNamespace } from "./kube-watch";

const dir = mkdtempSync(join(tmpdir(), "rml-kube-watch-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (type: string, name: string, phase: string) => JSON.stringify({ type, object: { kind: "Pod", metadata: { name }, status: { phase } } }, null, 4);

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

test("events become the namespace's objects; the watch is restarted and lists again when kubectl exits", async () => {
  const calls = join(dir, "calls");
  const run = join(dir, "run");
  writeFileSync(
    join(dir, "first.json"),
    [event("ADDED", "a", "Pending"), event("ADDED", "b", "Running"), event("MODIFIED", "a", "Running"), event("DELETED", "b", "Running")].join("\n"),
  );
  writeFileSync(join(dir, "second.json"), event("ADDED", "c", "Running"));
  const kubectl = join(dir, "kubectl");
  // First run: the events, then it exits (the server ended the watch); the second lists c and holds.
  writeFileSync(
    kubectl,
    `#!/bin/sh\necho "$*" >> ${calls}\nif [ ! -e ${run} ]; then touch ${run}; cat ${join(dir, "first.json")}; exit 0; fi\ncat ${join(dir, "second.json")}\nexec sleep 30\n`,
  );
  chmodSync(kubectl, 0o755);
  const src = watchNamespace({ namespace: "ns1", kubeconfig: "/k/config", context: "kind-x", kubectl }, ["pods"]);
  const seen: string[][] = [];
  src.onChange(() => seen.push([...src.objects("pods").keys()]));
  try {
    await until("the second listing", () => src.objects("pods").has("c"));
    assert.ok(
      seen.some((s) => s.join() === "a"),
      `a stayed, b was deleted: ${JSON.stringify(seen)}`,
    );
    assert.deepEqual([...src.objects("pods").keys()], ["c"], "the relisted watch starts from what it lists");
    assert.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [
      "--kubeconfig /k/config --context kind-x get pods -n ns1 --watch --output-watch-events -o json",
      "--kubeconfig /k/config --context kind-x get pods -n ns1 --watch --output-watch-events -o json",
    ]);
    assert.equal(src.error(), undefined);
  } finally {
    src.close();
  }
});

test("a missing kubectl, and one that keeps failing, are one clear error", async () => {
  const missing = watchNamespace({ namespace: "ns", kubectl: join(dir, "no-such-kubectl") }, ["pods"]);
  await until("the error", () => missing.error() !== undefined);
  assert.match(missing.error()!.message, /no-such-kubectl is not on PATH: pulumi up follows the rollouts with kubectl; install it \(or set KUBECTL to its path\)/);
  missing.close();

  const failing = join(dir, "failing");
  writeFileSync(failing, '#!/bin/sh\necho "error: You must be logged in to the server (Unauthorized)" >&2\nexit 1\n');
  chmodSync(failing, 0o755);
  const src = watchNamespace({ namespace: "ns", kubectl: failing }, ["deployments.apps"]);
  await until("the error", () => src.error() !== undefined, 10_000);
  assert.match(src.error()!.message, /kubectl get deployments\.apps -n ns --watch keeps exiting \(exit 1\): error: You must be logged in to the server \(Unauthorized\)/);
  src.close();
});
