/**
 * `redis.mode=cluster` on a real node: the cluster-create Job forms the configured shards on real
 * pods (every node `cluster_state:ok`, read with redis-cli inside the Redis pods); with a
 * relay-miner binary the miners and relayers get Ready on the cluster. Then what the README's
 * troubleshooting promises for a Redis pod deleted by hand: the new pod starts empty, outside the
 * cluster; a plain `up` does not notice; deleting the Job and `up --refresh` re-forms the cluster
 * (the Job's log says so) and the data is discarded.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { relayMinerBinary } from "../../../tools/images/sources";
import { Scratch, waitFor } from "../support";
import { NAMESPACE, podsNow, redisCli, secs, startLocalnetNode, stopLocalnetNode, upTimed, workloadOf, type LocalnetNode, type PodView, type UpRecord } from "./localnet";

const SHARDS = 3;
const REPLICAS_PER_SHARD = 1;
const NODES = SHARDS * (1 + REPLICAS_PER_SHARD);
const JOB = "redis-cluster-create";
const NOT_VERIFIED_RELAY = "NOT VERIFIED: no relay-miner binary (set RELAYMINER_TOOLS_BIN to a directory holding pocket-relay-miner): no miner or relayer on the Redis cluster";

/** `CLUSTER INFO` of one node as key → value. */
function clusterInfo(l: LocalnetNode, pod: string): Record<string, string> {
  return Object.fromEntries(
    redisCli(l, pod, ["cluster", "info"])
      .split("\n")
      .filter((x) => x.includes(":"))
      .map((x) => x.split(":", 2) as [string, string]),
  );
}

/** How each node sees the cluster: `pod state known/size`, e.g. `redis-0 ok 6/3`. */
const views = (l: LocalnetNode, pods: string[]) =>
  pods.map((p) => {
    const i = clusterInfo(l, p);
    return `${p} ${i.cluster_state} ${i.cluster_known_nodes}/${i.cluster_size}`;
  });

const redisPods = (l: LocalnetNode) =>
  l
    .pods()
    .filter((p) => workloadOf(p) === "redis")
    .map((p) => p.name)
    .sort();

/** The Job's pod log (its last pod). */
const jobLog = (l: LocalnetNode) => l.node.kubectl(["logs", "-n", NAMESPACE, `job/${JOB}`]);

/** Seconds from `t0` to the Job's completion (the API's second resolution). */
function jobCompletedAfter(l: LocalnetNode, t0: number): number {
  const job = JSON.parse(l.node.kubectl(["get", "job", "-n", NAMESPACE, JOB, "-o", "json"]));
  assert.equal(job.status?.succeeded, 1, `the Job succeeded: ${JSON.stringify(job.status)}`);
  return Date.parse(job.status.completionTime) - t0;
}

describe("redis.mode=cluster on a real node", { timeout: 30 * 60_000 }, () => {
  const scratch = new Scratch();
  let l: LocalnetNode;
  let firstUp: UpRecord;
  let readyAt = new Map<string, number>();
  let upStartedAt = 0;

  before(async () => {
    l = await startLocalnetNode(scratch, {
      stackName: "redis-cluster",
      // Only what runs on Redis: fewer pods, a shorter run.
      config: {
        "redis.mode": "cluster",
        "redis.cluster.shards": String(SHARDS),
        "redis.cluster.replicasPerShard": String(REPLICAS_PER_SHARD),
        "redis.commander": "false",
        "observability.enabled": "false",
      },
    });
    upStartedAt = Date.now();
    ({ up: firstUp, readyAt } = await upTimed(l, upStartedAt));
    console.log(
      `# first up: ${secs(firstUp.ms)} ${JSON.stringify(firstUp.changes)}; Redis pods Ready ${secs(readyAt.get("redis"))}, cluster formed (Job complete) ${secs(jobCompletedAfter(l, upStartedAt))}, miners Ready ${secs(readyAt.get("miner"))}, relayers Ready ${secs(readyAt.get("relayer"))}`,
    );
  });

  after(() => stopLocalnetNode(l, scratch));

  test("the Job forms the configured shards: every node cluster_state:ok, 3 primaries with a replica each", () => {
    const pods = redisPods(l);
    assert.equal(pods.length, NODES);
    assert.match(jobLog(l), new RegExp(`^cluster formed: ${NODES} nodes, ${SHARDS} shards$`, "m"));
    assert.deepEqual(
      views(l, pods),
      pods.map((p) => `${p} ok ${NODES}/${SHARDS}`),
    );
    const roles = redisCli(l, pods[0], ["cluster", "nodes"])
      .split("\n")
      .filter(Boolean)
      .map((x) => (/\bmaster\b/.test(x) ? "master" : /\bslave\b/.test(x) ? "replica" : x));
    assert.deepEqual(roles.sort(), [...Array(SHARDS).fill("master"), ...Array(SHARDS * REPLICAS_PER_SHARD).fill("replica")]);
    // Every slot served: the primaries' ranges cover 0..16383.
    assert.equal(clusterInfo(l, pods[0]).cluster_slots_assigned, "16384");
  });

  test("miners and relayers get Ready on the cluster, with no restarts", { skip: relayMinerBinary() ? false : NOT_VERIFIED_RELAY }, () => {
    const pods = l.pods().filter((p) => ["miner", "relayer"].includes(workloadOf(p)));
    assert.deepEqual(pods.map(workloadOf).sort(), ["miner", "miner", "relayer", "relayer"]);
    assert.deepEqual(
      pods.filter((p) => !p.ready || p.restarts > 0).map((p) => `${p.name}: ready=${p.ready} restarts=${p.restarts}`),
      [],
    );
    // The miners hold their leader lease in the cluster, under the hash tag the README names.
    assert.equal(redisCli(l, "redis-0", ["-c", "exists", "{ha}:miner:global_leader"]).trim(), "1", "a miner leader key in the cluster");
  });

  test("a Redis pod deleted by hand comes back outside the cluster; deleting the Job and up --refresh re-form it, discarding the data", async () => {
    const key = "{probe}:survives-reform";
    assert.equal(redisCli(l, "redis-0", ["-c", "set", key, "before"]).trim(), "OK");
    const victim = "redis-0";
    const old = l.pods().find((p) => p.name === victim)!;
    l.node.kubectl(["delete", "pod", "-n", NAMESPACE, victim, "--wait=false"]);
    const t0 = Date.now();
    await waitFor("the new redis-0 Ready", async () => (await podsNow(l)).find((p: PodView) => p.name === victim && p.uid !== old.uid && p.ready && !p.deleting), 180_000, 500);
    console.log(`# redis-0 replaced and Ready after ${secs(Date.now() - t0)}`);
    // Empty, with a new identity: it knows only itself.
    assert.equal(clusterInfo(l, victim).cluster_known_nodes, "1");

    // Nothing in the stack changed, so a plain up leaves it outside.
    const plain = await l.up();
    console.log(`# plain up after the delete: ${secs(plain.ms)} ${JSON.stringify(plain.changes)}`);
    assert.deepEqual(Object.keys(plain.changes), ["same"]);
    assert.equal(clusterInfo(l, victim).cluster_known_nodes, "1");

    // The README's remedy.
    l.node.kubectl(["delete", "job", "-n", NAMESPACE, JOB, "--wait=true"]);
    const t1 = Date.now();
    const refreshed = await l.up(undefined, { refresh: true });
    console.log(
      `# up --refresh after deleting the Job: ${secs(refreshed.ms)} ${JSON.stringify(refreshed.changes)}; cluster re-formed (Job complete) ${secs(jobCompletedAfter(l, t1))} after it started`,
    );
    assert.ok((refreshed.changes.create ?? 0) >= 1, `the Job was created again: ${JSON.stringify(refreshed.changes)}`);
    const log = jobLog(l);
    assert.match(log, /^re-forming the cluster \(a node restarted empty, or shards\/replicas changed\): its data is discarded$/m, log);
    assert.match(log, new RegExp(`^cluster formed: ${NODES} nodes, ${SHARDS} shards$`, "m"), log);
    const pods = redisPods(l);
    assert.deepEqual(
      views(l, pods),
      pods.map((p) => `${p} ok ${NODES}/${SHARDS}`),
    );
    assert.equal(redisCli(l, "redis-0", ["-c", "exists", key]).trim(), "0", "the key written before the re-form is gone");
  });
});
