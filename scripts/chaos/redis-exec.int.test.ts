import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Cluster, Redis } from "ioredis";
import { redisKeyPrefixFor, relayMinerRedisKeys } from "../../components/topology/names";
import { startCluster, startStandalone, type RedisServers } from "../../test/support/redis-server";
import { execReader, parseCliValue, type RedisPodExec } from "./redis-exec";

/** Each "pod" is a local redis-server; the command runs with the real redis-cli against it. */
const localExec =
  (portOf: Record<string, number>): RedisPodExec =>
  async (pod, command) => {
    const [cli, ...args] = command;
    const r = spawnSync(cli, ["-p", String(portOf[pod]), ...args], { encoding: "utf8", timeout: 10_000 });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status === 0 ? "Success" : `Failure: exit ${r.status}` };
  };

describe("Redis reads through redis-cli (as chaos runs it in the Redis pods)", () => {
  let standalone: RedisServers;
  let cluster: RedisServers;
  before(async () => {
    standalone = await startStandalone();
    cluster = await startCluster();
  });
  after(async () => {
    await standalone?.stop();
    await cluster?.stop();
  });

  test("values as redis-cli prints them: nil, quoted strings, integers", () => {
    assert.equal(parseCliValue("(nil)\n"), null);
    assert.equal(parseCliValue('"miner-0-7"\n'), "miner-0-7");
    assert.equal(parseCliValue("(integer) -2\n"), "-2");
  });

  test("standalone: GET, PTTL and SCAN of the relay-miner's keys", async () => {
    const w = new Redis({ port: standalone.ports[0] });
    const keys = relayMinerRedisKeys(redisKeyPrefixFor("standalone"));
    await w.set(keys.leaderLock, "miner-1-7", "PX", 30_000);
    await w.set(keys.supplierLease("pokt1a"), "miner-miner-1-7", "EX", 15);
    w.disconnect();
    const r = execReader(localExec({ "redis-0": standalone.ports[0] }), ["redis-0"], "standalone");
    assert.equal(await r.get(keys.leaderLock), "miner-1-7");
    assert.equal(await r.get("ha:nothing"), null);
    const ttl = await r.pttl(keys.leaderLock);
    assert.ok(ttl > 25_000 && ttl <= 30_000, `PTTL ${ttl}`);
    assert.equal(await r.pttl("ha:nothing"), -2);
    assert.deepEqual(await r.scan(keys.supplierLeasePattern), [keys.supplierLease("pokt1a")]);
  });

  test("cluster: the hash-tagged keys are found whichever node the command starts on", async () => {
    const keys = relayMinerRedisKeys(redisKeyPrefixFor("cluster"));
    const w = new Cluster([{ host: "127.0.0.1", port: cluster.ports[0] }]);
    await w.set(keys.leaderLock, "miner-0-7", "EX", 30);
    await w.set(keys.supplierLease("pokt1b"), "miner-miner-0-7", "EX", 15);
    w.disconnect();
    const pods = Object.fromEntries(cluster.ports.map((p, i) => [`redis-${i}`, p]));
    const r = execReader(localExec(pods), Object.keys(pods), "cluster");
    assert.equal(await r.get(keys.leaderLock), "miner-0-7");
    assert.deepEqual(await r.scan(keys.supplierLeasePattern), [keys.supplierLease("pokt1b")]);
  });
});
