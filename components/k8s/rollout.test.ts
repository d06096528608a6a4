/** rolloutState and podProblem on objects shaped as the API server returns them. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { crashLoopRestarts, podProblem, rolloutState, selects, unschedulableGraceMs, type KubeObject } from "./rollout";

const sts = (generation: number, status: Record<string, unknown>, replicas = 2): KubeObject => ({ metadata: { name: "miner", generation }, spec: { replicas }, status });
const deploy = (generation: number, status: Record<string, unknown>, replicas = 1): KubeObject => ({ metadata: { name: "backend", generation }, spec: { replicas }, status });

describe("rolloutState", () => {
  test("StatefulSet: done only once the controller saw the spec, every pod is updated and Ready, and the revision moved", () => {
    const rolled = { observedGeneration: 3, replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentReplicas: 2, currentRevision: "miner-b", updateRevision: "miner-b" };
    assert.equal(rolloutState("StatefulSet", sts(3, rolled)).done, true);
    // The status a watcher sees right after an update, before the controller acts: all ready, of the old spec.
    assert.deepEqual(rolloutState("StatefulSet", sts(4, rolled)), { done: false, progress: "waiting for the controller to see the new spec" });
    const rolling = { observedGeneration: 4, replicas: 2, readyReplicas: 2, updatedReplicas: 1, currentRevision: "miner-b", updateRevision: "miner-c" };
    assert.deepEqual(rolloutState("StatefulSet", sts(4, rolling)), { done: false, progress: "2/2 ready, 1/2 updated, 1 old pod(s) left" });
    const lastNotReady = { observedGeneration: 4, replicas: 2, readyReplicas: 1, updatedReplicas: 2, currentRevision: "miner-b", updateRevision: "miner-c" };
    assert.equal(rolloutState("StatefulSet", sts(4, lastNotReady)).done, false);
    const revisionNotMoved = { ...lastNotReady, readyReplicas: 2 };
    assert.equal(rolloutState("StatefulSet", sts(4, revisionNotMoved)).done, false);
    assert.equal(rolloutState("StatefulSet", sts(4, { ...revisionNotMoved, currentRevision: "miner-c" })).done, true);
    assert.equal(
      rolloutState("StatefulSet", sts(5, { observedGeneration: 5, replicas: 5, readyReplicas: 2, updatedReplicas: 5, currentRevision: "m", updateRevision: "m" }, 5)).done,
      false,
      "scaled up: 3 not ready yet",
    );
    assert.equal(rolloutState("StatefulSet", undefined).done, false);
  });

  test("Deployment: done once every replica is of the new ReplicaSet, Ready and available, and the old pods are gone", () => {
    assert.equal(rolloutState("Deployment", deploy(2, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 })).done, true);
    assert.equal(
      rolloutState("Deployment", deploy(2, { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 })).done,
      false,
      "the old pod still runs",
    );
    assert.equal(rolloutState("Deployment", deploy(2, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 })).done, false);
    assert.equal(rolloutState("Deployment", deploy(2, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 })).done, false);
  });
});

const pod = (name: string, status: Record<string, unknown>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  metadata: { name, labels: { "app.kubernetes.io/name": "miner" }, ...extra },
  spec: { initContainers: [{ name: "validate-config", image: "rml/relay-miner:1" }], containers: [{ name: "miner", image: "rml/relay-miner:1" }] },
  status,
});
const keys = new Map([["rml/relay-miner:1", "images.relayMiner"]]);

describe("podProblem", () => {
  test("a pull error names the image and its config key (init containers too)", () => {
    for (const reason of ["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull"]) {
      const p = pod("miner-0", { initContainerStatuses: [{ name: "validate-config", state: { waiting: { reason, message: "pull access denied" } } }] });
      assert.deepEqual(podProblem(p, keys, 0), {
        pod: "miner-0",
        container: "validate-config",
        message: `image "rml/relay-miner:1" (images.relayMiner) cannot be pulled: ${reason}: pull access denied`,
      });
    }
  });

  test("a crash loop counts after a few restarts, with the last exit code", () => {
    const looping = (restarts: number) =>
      pod("miner-1", {
        containerStatuses: [
          { name: "miner", restartCount: restarts, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 0, reason: "Completed" } } },
        ],
      });
    assert.equal(podProblem(looping(crashLoopRestarts - 1), keys, 0), undefined, "starting up");
    assert.match(podProblem(looping(crashLoopRestarts), keys, 0)!.message, /container miner keeps exiting \(3 restarts, last exit code 0 Completed\)/);
  });

  test("an unschedulable pod counts after the grace period, with the scheduler's reason", () => {
    const since = Date.parse("2026-01-01T00:00:00Z");
    const p = pod("relayer-2", {
      conditions: [
        { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient cpu.", lastTransitionTime: "2026-01-01T00:00:00Z" },
      ],
    });
    assert.equal(podProblem(p, keys, since + unschedulableGraceMs - 1), undefined);
    assert.equal(podProblem(p, keys, since + unschedulableGraceMs)!.message, "cannot be scheduled for 30 s: 0/1 nodes are available: 1 Insufficient cpu.");
  });

  test("a healthy, starting or terminating pod has none", () => {
    assert.equal(podProblem(pod("m", { containerStatuses: [{ name: "miner", state: { waiting: { reason: "ContainerCreating" } } }] }), keys, 0), undefined);
    const gone = pod("m", { containerStatuses: [{ name: "miner", state: { waiting: { reason: "ErrImagePull" } } }] }, { deletionTimestamp: "2026-01-01T00:00:00Z" });
    assert.equal(podProblem(gone, keys, 0), undefined);
  });

  test("selects matches all of the selector's labels", () => {
    assert.equal(selects({ "app.kubernetes.io/name": "miner" }, pod("m", {})), true);
    assert.equal(selects({ "app.kubernetes.io/name": "relayer" }, pod("m", {})), false);
  });
});
