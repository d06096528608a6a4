/**
 * cluster-create.sh, the script the cluster-forming Job runs, run for real under sh against
 * redis-server nodes started with the conf the component renders.
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { clusterCreateEnv, redisServerConf } from "./render";
import { freePort } from "../../test/support/ports";
import { program } from "../../test/support/programs";
import { killRedisNode, redisCli, startRedisNode, stopAllRedisNodes } from "../../test/support/redis-node";

const clusterCreateScript = join(__dirname, "cluster-create.sh");

after(stopAllRedisNodes);

describe("cluster-create.sh keeps the nodes one cluster of the configured shape", () => {
  // Same port on several loopback addresses, like pods behind one headless Service. Loopback
  // connections leave from 127.0.0.1, so each node announces its own address, as pods announce
  // their DNS names in the cluster.
  const hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
  const extra = "127.0.0.5";
  const conf = redisServerConf({ maxMemoryMb: 64, evictionPolicy: "noeviction", persistence: false, cluster: true });
  const nodes = new Map<string, ChildProcess>();
  let port = 0;
  const start = async (h: string) => nodes.set(h, await startRedisNode(conf, h, port, ["--cluster-announce-ip", h]));
  const stop = (h: string) => killRedisNode(nodes.get(h)!);
  const runScript = (hs: string[]) => {
    const env = { ...process.env, ...clusterCreateEnv({ hosts: hs, port, replicasPerShard: 0, convergeSeconds: 3, formSeconds: 30 }) };
    const r = spawnSync("sh", [clusterCreateScript], { encoding: "utf8", timeout: 60_000, env });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return r.stdout;
  };
  /** The script as a child process, so writers started by the test keep running beside it. */
  const runScriptAsync = (hs: string[]) =>
    new Promise<string>((resolve, reject) => {
      const env = { ...process.env, ...clusterCreateEnv({ hosts: hs, port, replicasPerShard: 0, convergeSeconds: 3, formSeconds: 30 }) };
      const child = spawn("sh", [clusterCreateScript], { env });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`cluster-create.sh exited ${code}:\n${out}`));
      });
    });
  const shape = (h: string) => {
    const info = redisCli(h, port, "cluster", "info");
    return ["cluster_state", "cluster_known_nodes", "cluster_size"].map((k) => new RegExp(`${k}:(\\w+)`).exec(info)?.[1]).join(" ");
  };

  test("forms a 3-shard cluster from fresh nodes", async () => {
    port = await freePort(hosts[0]);
    for (const h of hosts) await start(h);
    assert.match(runScript(hosts), /cluster formed: 3 nodes, 3 shards/);
    for (const h of hosts) assert.equal(shape(h), "ok 3 3", h);
  });

  test("a second run changes nothing and keeps the data", () => {
    assert.equal(redisCli(hosts[0], port, "-c", "set", "relay", "kept"), "OK");
    assert.match(runScript(hosts), /cluster already formed/);
    assert.equal(redisCli(hosts[1], port, "-c", "get", "relay"), "kept");
  });

  test("a node restarted empty (a new pod without a volume) is brought back by re-forming", async () => {
    await stop(hosts[1]);
    await start(hosts[1]);
    assert.match(shape(hosts[1]), /^fail 1 /, "the restarted node should know only itself");
    assert.match(runScript(hosts), /re-forming the cluster/);
    for (const h of hosts) assert.equal(shape(h), "ok 3 3", h);
  });

  test("re-forming while clients keep writing (miners up): every primary is emptied and reset, the cluster forms", async () => {
    await stop(hosts[2]);
    await start(hosts[2]);
    // One writer per node, as fast as redis-cli can go; a write between FLUSHALL and CLUSTER RESET
    // makes the reset refuse (the primary holds keys).
    const writers = hosts.map((h) =>
      spawn("sh", ["-c", `i=0; while :; do i=$((i+1)); "$CLI" -h ${h} -p ${port} set "w{${h}}$i" x >/dev/null 2>&1; done`], { env: { ...process.env, CLI: program("redis-cli") } }),
    );
    try {
      const out = await runScriptAsync(hosts);
      assert.match(out, /re-forming the cluster/);
      assert.match(out, /cluster formed: 3 nodes, 3 shards/);
    } finally {
      for (const w of writers) w.kill("SIGKILL");
    }
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
