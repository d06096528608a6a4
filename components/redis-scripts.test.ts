/**
 * The redis.conf and cluster-forming script the Redis component renders, run for real: a
 * redis-server started with our conf, and a 3-node cluster formed by our script under sh.
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisClusterCreateScript, redisServerConf, redisUrlFor, redisNodeHosts } from "./redis-scripts";
import { freePort } from "../test/support/ports";

const children: ChildProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function requireBinary(name: string) {
  const r = spawnSync(name, ["--version"]);
  assert.equal(r.status, 0, `${name} is not installed: apt-get install -y redis-server (the CI script does this)`);
}


function cli(host: string, port: number, ...args: string[]): string {
  const r = spawnSync("redis-cli", ["-h", host, "-p", String(port), ...args], { encoding: "utf8" });
  return r.stdout.trim();
}

async function startRedis(conf: string, host: string, port: number, extra: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rml-redis-"));
  dirs.push(dir);
  const confPath = join(dir, "redis.conf");
  writeFileSync(confPath, conf);
  // Command-line options override the conf: keep the test on loopback and in a temp dir.
  const child = spawn("redis-server", [confPath, "--bind", host, "--port", String(port), "--dir", dir, ...extra], { stdio: "ignore" });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    if (cli(host, port, "ping") === "PONG") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`redis-server on ${host}:${port} did not start`);
}

describe("Redis config, for real", () => {
  test("redis-server accepts the standalone conf and applies memory settings", async () => {
    requireBinary("redis-server");
    const port = await freePort("127.0.0.1");
    await startRedis(redisServerConf({ maxMemoryMb: 256, evictionPolicy: "noeviction", persistence: true, cluster: false }), "127.0.0.1", port);
    assert.deepEqual(cli("127.0.0.1", port, "config", "get", "maxmemory-policy").split("\n"), ["maxmemory-policy", "noeviction"]);
    assert.deepEqual(cli("127.0.0.1", port, "config", "get", "maxmemory").split("\n"), ["maxmemory", String(256 * 1024 * 1024)]);
    assert.deepEqual(cli("127.0.0.1", port, "config", "get", "appendonly").split("\n"), ["appendonly", "yes"]);
  });

  test("the cluster script forms a 3-shard cluster, and a second run changes nothing", async () => {
    requireBinary("redis-server");
    // Same port on three loopback addresses, like three pods behind one headless Service.
    const hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
    const port = await freePort(hosts[0]);
    const conf = redisServerConf({ maxMemoryMb: 64, evictionPolicy: "noeviction", persistence: false, cluster: true });
    // Loopback connections leave from 127.0.0.1, so each node announces its own address, as pods
    // announce their DNS names in the cluster.
    await Promise.all(hosts.map((h) => startRedis(conf, h, port, ["--cluster-announce-ip", h])));

    const script = redisClusterCreateScript(hosts, port, 0);
    const first = spawnSync("sh", ["-c", script], { encoding: "utf8", timeout: 60_000 });
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /cluster formed/);
    assert.match(cli(hosts[1], port, "cluster", "info"), /cluster_state:ok/);
    assert.match(cli(hosts[2], port, "cluster", "info"), /cluster_known_nodes:3/);

    const second = spawnSync("sh", ["-c", script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /cluster already formed/);
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
