/**
 * The init-container gates (wait-for-*.sh) run for real under sh with the environment the pods
 * get: the Redis and leader gates against a real redis-server, the chain gate with wget against
 * an HTTP server that answers like CometBFT's /status.
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startCluster, startStandalone } from "../../test/support/redis-server";
import { redisEndpoint, waitForChainEnv, waitForMinersEnv, waitForRedisEnv } from "./gates";
import { redisKeyPrefixFor, redisKeys } from "../topology/names";

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

/** Starts a gate script and lets the test watch its output while it runs. */
function startGate(script: string, env: Record<string, string>, timeoutMs: number) {
  const child = spawn("sh", [join(__dirname, script)], { env: { ...process.env, ...env } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  // "close", not "exit": the exit can come before the last output has been read.
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
  const printed = async (pattern: RegExp) => {
    while (!pattern.test(out)) {
      if (child.exitCode !== null) throw new Error(`the gate exited before printing ${pattern}: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { done, printed };
}

/** Runs a gate script; resolves with its exit code and output once it exits (or is killed). */
const runGate = (script: string, env: Record<string, string>, timeoutMs: number) => startGate(script, env, timeoutMs).done;

async function startRedis(): Promise<number> {
  const redis = await startStandalone();
  cleanups.push(() => void redis.stop());
  return redis.ports[0];
}

describe("start-up gates, for real", () => {
  test("redisEndpoint reads standalone and cluster URLs", () => {
    assert.deepEqual(redisEndpoint("redis://redis.ns.svc.cluster.local:6379"), { host: "redis.ns.svc.cluster.local", port: 6379, cluster: false });
    assert.deepEqual(redisEndpoint("redis-cluster://a:7000,b:7001"), { host: "a", port: 7000, cluster: true });
    assert.throws(() => redisEndpoint("http://x:1"), /not a redis:\/\/ or redis-cluster:\/\/ URL/);
  });

  test("the miners gate holds until a miner takes the leader lock, then passes", async () => {
    const port = await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    assert.match((await runGate("wait-for-redis.sh", waitForRedisEnv(url), 5000)).out, /redis is up/);

    const held = await runGate("wait-for-miners.sh", waitForMinersEnv(url, "leaderLock", "ha"), 1500);
    assert.equal(held.code, null, "gate must still be waiting (killed by the timeout)");
    assert.match(held.out, /waiting for the miners: a miner holding the leader lock \(ha:miner:global_leader\)/);

    const gate = runGate("wait-for-miners.sh", waitForMinersEnv(url, "leaderLock", "ha"), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    spawnSync("redis-cli", ["-p", String(port), "set", redisKeys.leaderLock, "miner-0-1", "EX", "30"]);
    const passed = await gate;
    assert.equal(passed.code, 0);
    assert.match(passed.out, /miners are up: a miner holding the leader lock = miner-0-1/);
  });

  test("the release's gate waits for the service-factor manifest, not for the leader lock", async () => {
    const port = await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    spawnSync("redis-cli", ["-p", String(port), "set", redisKeys.leaderLock, "miner-0-1", "EX", "30"]);
    const held = await runGate("wait-for-miners.sh", waitForMinersEnv(url, "serviceFactorManifest", "ha"), 1500);
    assert.equal(held.code, null, "a leader alone must not pass: the relayer would answer 503 until the manifest exists");
    assert.match(held.out, /waiting for the miners: the service-factor manifest \(ha:service_factor:manifest\)/);

    const gate = runGate("wait-for-miners.sh", waitForMinersEnv(url, "serviceFactorManifest", "ha"), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    spawnSync("redis-cli", ["-p", String(port), "set", redisKeys.serviceFactorManifest, '{"has_default":false,"overrides":{}}']);
    const passed = await gate;
    assert.equal(passed.code, 0, passed.out);
    assert.match(passed.out, /miners are up: the service-factor manifest = \{"has_default":false/);
  });

  test("with supplier leases, the gate holds until every lease is held and stays with its miner for the settle interval", async () => {
    const port = await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const cli = (...args: string[]) => spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).stdout.trim();
    cli("set", redisKeys.leaderLock, "miner-0-1", "EX", "30");
    const env = waitForMinersEnv(url, "leaderLock", "ha", { suppliers: ["pokt1a", "pokt1b"], settleSeconds: 1 });
    assert.equal(env.SUPPLIER_LEASE_KEYS, "ha:miner:claim:pokt1a ha:miner:claim:pokt1b");
    cli("set", "ha:miner:claim:pokt1a", "miner-m0-1");

    const held = await runGate("wait-for-miners.sh", env, 2000);
    assert.equal(held.code, null, "a supplier without a lease must hold the relayer back");
    assert.match(held.out, /miners are up: a miner holding the leader lock = miner-0-1/);
    assert.match(held.out, /waiting for the miners: 1 of 2 supplier leases unheld/);

    cli("set", "ha:miner:claim:pokt1b", "miner-m0-1");
    const gate = startGate("wait-for-miners.sh", env, 20_000);
    await gate.printed(/all 2 supplier leases held; checking they stay put for 1s/);
    // The second miner takes its share: the gate must see the move and wait again.
    cli("set", "ha:miner:claim:pokt1b", "miner-m1-1");
    const passed = await gate.done;
    assert.equal(passed.code, 0, passed.out);
    assert.match(passed.out, /supplier leases moved between miners; waiting 1s again/);
    assert.match(passed.out, /supplier leases held: 2, unmoved for 1s\n$/);
  });

  test("without suppliers the gate sets no lease keys", () => {
    const env = waitForMinersEnv("redis://h:1", "leaderLock", "ha", { suppliers: [], settleSeconds: 3 });
    assert.equal(env.SUPPLIER_LEASE_KEYS, undefined);
  });

  test("on a Redis Cluster the gates follow redirects (redis-cli -c) to the key's node, and wait for the hash-tagged lock", async () => {
    const cluster = await startCluster();
    cleanups.push(() => void cluster.stop());
    const url = `redis-cluster://${cluster.ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
    assert.match((await runGate("wait-for-redis.sh", waitForRedisEnv(url), 5000)).out, /redis is up/);
    const env = waitForMinersEnv(url, "leaderLock", redisKeyPrefixFor("cluster"), { suppliers: ["pokt1a"], settleSeconds: 1 });
    assert.equal(env.MINERS_KEY, "{ha}:miner:global_leader");
    for (const [key, value] of [
      [env.MINERS_KEY, "miner-1-7"],
      ["{ha}:miner:claim:pokt1a", "miner-m1-7"],
    ]) {
      const set = spawnSync("redis-cli", ["-c", "-p", String(cluster.ports[0]), "set", key, value, "EX", "30"], { encoding: "utf8" });
      assert.equal(set.stdout.trim(), "OK");
    }
    const passed = await runGate("wait-for-miners.sh", env, 10_000);
    assert.equal(passed.code, 0, passed.out);
    assert.match(passed.out, /= miner-1-7/);
    assert.match(passed.out, /supplier leases held: 1, unmoved for 1s/);
  });

  test("the chain gate waits for block 1", async () => {
    let height = "0";
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id: -1, result: { sync_info: { latest_block_height: height } } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const held = await runGate("wait-for-chain.sh", waitForChainEnv(url), 1500);
    assert.equal(held.code, null, "height 0 must not pass");
    const gate = runGate("wait-for-chain.sh", waitForChainEnv(url), 10_000);
    height = "1";
    const passed = await gate;
    assert.equal(passed.code, 0);
    assert.match(passed.out, /chain is producing blocks/);
  });
});
