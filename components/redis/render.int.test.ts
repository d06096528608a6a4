/** The redis.conf the Redis component renders, run by a real redis-server; the URL relay-miners get. */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { redisServerConf, redisUrlFor, redisNodeHosts } from "./render";
import { freePort } from "../../test/support/ports";
import { redisCli, startRedisNode, stopAllRedisNodes } from "../../test/support/redis-node";

after(stopAllRedisNodes);

describe("Redis config, for real", () => {
  test("redis-server accepts the standalone conf and applies memory settings", async () => {
    const port = await freePort("127.0.0.1");
    await startRedisNode(redisServerConf({ maxMemoryMb: 256, evictionPolicy: "noeviction", persistence: true, cluster: false }), "127.0.0.1", port);
    assert.deepEqual(redisCli("127.0.0.1", port, "config", "get", "maxmemory-policy").split("\n"), ["maxmemory-policy", "noeviction"]);
    assert.deepEqual(redisCli("127.0.0.1", port, "config", "get", "maxmemory").split("\n"), ["maxmemory", String(256 * 1024 * 1024)]);
    assert.deepEqual(redisCli("127.0.0.1", port, "config", "get", "appendonly").split("\n"), ["appendonly", "yes"]);
  });

  test("relay-miners get a cluster URL naming every node, or a single-node URL", () => {
    const hosts = redisNodeHosts("ns", 3);
    assert.deepEqual(hosts, ["redis-0.redis.ns.svc.cluster.local", "redis-1.redis.ns.svc.cluster.local", "redis-2.redis.ns.svc.cluster.local"]);
    assert.equal(
      redisUrlFor("cluster", hosts, 6379),
      "redis-cluster://redis-0.redis.ns.svc.cluster.local:6379,redis-1.redis.ns.svc.cluster.local:6379,redis-2.redis.ns.svc.cluster.local:6379",
    );
    assert.equal(redisUrlFor("standalone", redisNodeHosts("ns", 1), 6379), "redis://redis.ns.svc.cluster.local:6379");
  });
});
