/**
 * RolloutWaiter against a hand-driven source of objects (what kubectl's watches deliver) and a
 * fake clock: it resolves only when the applied generation has rolled out, and fails every wait
 * at once, naming the image and its config key, when a pod can never get Ready.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeSource } from "../../test/support/fake-object-source";
import { RolloutWaiter, RolloutError, type Workload } from "./rollout-wait";

const miners: Workload = { kind: "StatefulSet", name: "miner", matchLabels: { app: "miner" }, generation: 2 };
const backend: Workload = { kind: "Deployment", name: "backend", matchLabels: { app: "backend" }, generation: 1 };
const stsStatus = (g: number, ready: number, updated: number, rev: string) => ({
  metadata: { name: "miner", generation: g },
  spec: { replicas: 2 },
  status: { observedGeneration: g, replicas: 2, readyReplicas: ready, updatedReplicas: updated, currentRevision: rev, updateRevision: "r2" },
});
const settled = async <T>(p: Promise<T>) =>
  Promise.race([
    p.then(
      () => "resolved",
      (e: Error) => e,
    ),
    new Promise((r) => setTimeout(() => r("pending"), 20)),
  ]);

function waiter(source: FakeSource, now = { t: 0 }, timeoutMs = 60_000) {
  return new RolloutWaiter({
    source: () => source,
    imageKeys: new Map([["rml/relay-miner:1", "images.relayMiner"]]),
    now: () => now.t,
    tickMs: 5,
    timeoutMs,
    logsOf: () => "panic: keys\nexit",
  });
}

describe("RolloutWaiter", () => {
  test("resolves when the applied generation has every pod updated and Ready, not on the old generation's status", async () => {
    const src = new FakeSource();
    const w = waiter(src);
    src.set("statefulsets.apps", stsStatus(1, 2, 2, "r1")); // what a watch may still hold right after the update
    const lines: string[] = [];
    const done = w.wait(miners, { onProgress: (l) => lines.push(l) });
    assert.equal(await settled(done), "pending");
    src.set("statefulsets.apps", stsStatus(2, 2, 1, "r1"));
    assert.equal(await settled(done), "pending");
    src.set("statefulsets.apps", stsStatus(2, 1, 2, "r1"));
    assert.equal(await settled(done), "pending");
    src.set("statefulsets.apps", stsStatus(2, 2, 2, "r2"));
    assert.equal(await settled(done), "resolved");
    assert.deepEqual(lines, ["StatefulSet not found", "2/2 ready, 1/2 updated, 1 old pod(s) left", "1/2 ready, 2/2 updated"]);
    assert.ok(src.closed, "the watch closes once nothing waits");
  });

  test("a pod that cannot pull its image fails every pending wait at once, naming the image and its config key; later waits fail too", async () => {
    const src = new FakeSource();
    const w = waiter(src);
    const a = w.wait(miners);
    const b = w.wait(backend);
    src.set("pods", {
      metadata: { name: "miner-0", labels: { app: "miner" } },
      spec: { containers: [{ name: "miner", image: "rml/relay-miner:1" }] },
      status: {
        containerStatuses: [
          { name: "miner", state: { waiting: { reason: "ErrImageNeverPull", message: 'Container image "rml/relay-miner:1" is not present with pull policy of Never' } } },
        ],
      },
    });
    const e = (await settled(a)) as Error;
    assert.ok(e instanceof RolloutError, String(e));
    assert.equal(
      e.message,
      'StatefulSet miner: pod miner-0: image "rml/relay-miner:1" (images.relayMiner) cannot be pulled: ErrImageNeverPull: Container image "rml/relay-miner:1" is not present with pull policy of Never',
    );
    assert.equal(await settled(b), e, "the other wait fails with the same error");
    await assert.rejects(w.wait(backend), (x: Error) => x === e);
    assert.ok(src.closed);
  });

  test("a crash loop fails with the container's last log lines", async () => {
    const src = new FakeSource();
    const p = waiter(src).wait(miners);
    src.set("pods", {
      metadata: { name: "miner-1", labels: { app: "miner" } },
      spec: { containers: [{ name: "miner", image: "rml/relay-miner:1" }] },
      status: { containerStatuses: [{ name: "miner", restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1 } } }] },
    });
    assert.match(
      ((await settled(p)) as Error).message,
      /^StatefulSet miner: pod miner-1: container miner keeps exiting \(4 restarts, last exit code 1\); its last log lines:\npanic: keys\nexit$/,
    );
  });

  test("pods of other workloads do not fail a wait", async () => {
    const src = new FakeSource();
    const p = waiter(src).wait(backend);
    src.set("pods", {
      metadata: { name: "miner-0", labels: { app: "miner" } },
      spec: { containers: [] },
      status: { containerStatuses: [{ name: "miner", state: { waiting: { reason: "ErrImagePull" } } }] },
    });
    assert.equal(await settled(p), "pending");
    src.set("deployments.apps", {
      metadata: { name: "backend", generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    assert.equal(await settled(p), "resolved");
  });

  test("a rollout that never finishes fails at its deadline with what is missing; a broken watch fails at once", async () => {
    const now = { t: 0 };
    const src = new FakeSource();
    const outcome = waiter(src, now, 1000)
      .wait(miners)
      .catch((e: Error) => e);
    src.set("statefulsets.apps", stsStatus(2, 1, 2, "r1"));
    now.t = 1001;
    assert.equal(((await outcome) as Error).message, "StatefulSet miner: not rolled out after 1 s (1/2 ready, 2/2 updated)");

    const src2 = new FakeSource();
    const q = waiter(src2).wait(backend);
    src2.fail(new Error("kubectl is not on PATH: pulumi up follows the rollouts with kubectl"));
    assert.equal(((await settled(q)) as Error).message, "watching the rollouts: kubectl is not on PATH: pulumi up follows the rollouts with kubectl");
  });
});
