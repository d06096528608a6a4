import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseClusterNodes, primaryOfSlot, processOfInstance, recovered } from "./targets";

// The shape `CLUSTER NODES` prints (Redis 8.2): a failed-over shard, its old primary marked fail.
const nodes = `07c37dfeb235213a872192d90877d0cd55635b91 10.244.0.7:6379@16379,redis-1 myself,master - 0 0 7 connected 5461-10922
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 10.244.0.9:6379@16379,redis-3 slave 07c37dfeb235213a872192d90877d0cd55635b91 0 1796168481000 7 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 10.244.0.6:6379@16379 master,fail - 1796168400000 1796168399000 1 disconnected
292f8b365bb7edb5e326791482a6e6bf79b5d1f7 10.244.0.8:6379@16379 master - 0 1796168481000 8 connected 0-5460
6ec23923021cf3e16c74a0b88c64b2bf2a5b39e0 10.244.0.10:6379@16379 master - 0 1796168481000 3 connected 10923-16383 12000
`;

describe("chaos targets", () => {
  test("a leader id names its pod and the PID inside it; ids of other pods or shapes name nothing", () => {
    assert.deepEqual(processOfInstance("miner-1-7", ["miner-0", "miner-1"]), { pod: "miner-1", pid: 7 });
    assert.equal(processOfInstance("vm-17242", ["miner-0", "miner-1"]), undefined);
    assert.equal(processOfInstance("miner-1", ["miner-1"]), undefined);
  });

  test("CLUSTER NODES: addresses, roles, primaries of replicas, slot ranges", () => {
    const parsed = parseClusterNodes(nodes);
    assert.equal(parsed.length, 5);
    assert.deepEqual(parsed[0], { id: "07c37dfeb235213a872192d90877d0cd55635b91", ip: "10.244.0.7", port: 6379, flags: ["myself", "master"], slots: [[5461, 10922]] });
    assert.equal(parsed[1].primaryId, "07c37dfeb235213a872192d90877d0cd55635b91");
    assert.deepEqual(parsed[4].slots, [
      [10923, 16383],
      [12000, 12000],
    ]);
  });

  test("the primary serving a slot is a healthy master holding it", () => {
    const parsed = parseClusterNodes(nodes);
    assert.equal(primaryOfSlot(parsed, 0)?.ip, "10.244.0.8");
    assert.equal(primaryOfSlot(parsed, 7000)?.ip, "10.244.0.7");
    assert.equal(
      primaryOfSlot(
        parsed.filter((n) => n.ip !== "10.244.0.8"),
        0,
      ),
      undefined,
    );
  });

  test("a pod recovered when it is Ready after a container restart or as a new pod", () => {
    const before = { name: "miner-0", uid: "u1", ready: true, restarts: 0 };
    assert.equal(recovered(before, { ...before }), false, "the same container is not a recovery");
    assert.equal(recovered(before, { ...before, restarts: 1, ready: false }), false);
    assert.equal(recovered(before, { ...before, restarts: 1 }), true);
    assert.equal(recovered(before, { ...before, uid: "u2", restarts: 0 }), true);
    assert.equal(recovered(before, undefined), false);
  });
});
