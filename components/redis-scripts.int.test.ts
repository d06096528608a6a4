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
import { program } from "../test/support/programs";

const children: ChildProcess[] = [];
const dirs: string[] = [];
after(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function requireBinary(name: "redis-server" | "redis-cli") {
  program(name);
}


function cli(host: string, port: number, ...args: string[]): string {
  const r = spawnSync("redis-cli", ["-h", host, "-p", String(port), ...args], { encoding: "utf8" });
  return r.stdout.trim();
}

async function startRedis(conf: string, host: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), "rml-redis-"));
  dirs.push(dir);
  const confPath = join(dir, "redis.conf");
  writeFileSync(confPath, conf);
  // Command-line options override the conf: keep the test on loopback and in a temp dir.
  const child = spawn("redis-server", [confPath, "--bind", host, "--port", String(port), "--dir", dir, ...extra], { stdio: "ignore" });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    if (cli(host, port, "ping") === "PONG") return child;
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

  describe("the cluster script keeps the nodes one cluster of the configured shape", () => {
    // Same port on several loopback addresses, like pods behind one headless Service. Loopback
    // connections leave from 127.0.0.1, so each node announces its own address, as pods announce
    // their DNS names in the cluster.
    const hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
    const extra = "127.0.0.5";
    const conf = redisServerConf({ maxMemoryMb: 64, evictionPolicy: "noeviction", persistence: false, cluster: true });
    const nodes = new Map<string, ChildProcess>();
    let port = 0;
    const start = async (h: string) => nodes.set(h, await startRedis(conf, h, port, ["--cluster-announce-ip", h]));
    const stop = async (h: string) => {
      const child = nodes.get(h)!;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    };
    const runScript = (hs: string[]) => {
      const r = spawnSync("sh", ["-c", redisClusterCreateScript(hs, port, 0, { convergeSeconds: 3, formSeconds: 30 })], { encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      return r.stdout;
    };
    const shape = (h: string) => {
      const info = cli(h, port, "cluster", "info");
      return ["cluster_state", "cluster_known_nodes", "cluster_size"].map((k) => new RegExp(`${k}:(\\w+)`).exec(info)?.[1]).join(" ");
    };

    test("forms a 3-shard cluster from fresh nodes", async () => {
      requireBinary("redis-server");
      port = await freePort(hosts[0]);
      for (const h of hosts) await start(h);
      assert.match(runScript(hosts), /cluster formed: 3 nodes, 3 shards/);
      for (const h of hosts) assert.equal(shape(h), "ok 3 3", h);
    });

    test("a second run changes nothing and keeps the data", () => {
      assert.equal(cli(hosts[0], port, "-c", "set", "relay", "kept"), "OK");
      assert.match(runScript(hosts), /cluster already formed/);
      assert.equal(cli(hosts[1], port, "-c", "get", "relay"), "kept");
    });

    test("a node restarted empty (a new pod without a volume) is brought back by re-forming", async () => {
      await stop(hosts[1]);
      await start(hosts[1]);
      assert.match(shape(hosts[1]), /^fail 1 /, "the restarted node should know only itself");
      assert.match(runScript(hosts), /re-forming the cluster/);
      for (const h of hosts) assert.equal(shape(h), "ok 3 3", h);
    });

    test("one more shard: the new node joins and the cluster has 4 shards", async () => {
      await start(extra);
      const out = runScript([...hosts, extra]);
      assert.match(out, /cluster formed: 4 nodes, 4 shards/);
      for (const h of [...hosts, extra]) assert.equal(shape(h), "ok 4 4", h);
    });

    test("one shard fewer: after the node is gone, the cluster is 3 shards again", async () => {
      await stop(extra);
      const out = runScript(hosts);
      assert.match(out, /re-forming the cluster/);
      for (const h of hosts) assert.equal(shape(h), "ok 3 3", h);
    });
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
