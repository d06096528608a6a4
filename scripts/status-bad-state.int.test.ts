/**
 * `npm run status` against Redis states the relay-miner never writes, and against endpoints that
 * are not what the URL says: every bad key is named with its type, the rest of the report still
 * prints, and a non-Redis port or a cluster/standalone mix-up is named as such.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";
import { join } from "node:path";
import type { StatusSnapshot } from "./status/collect";
import { keys } from "./status/keys";
import { standaloneForSuite, startCluster } from "../test/support/redis-server";
import { fixture, writeRelayMinerState } from "../test/support/relayminer-state";

const root = join(__dirname, "..");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/status.ts", "--block-wait", "0", ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI without blocking this process, for endpoints served from this process. */
async function cliAsync(...args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/status.ts", "--block-wait", "0", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  // A status that hangs is a failure, not a stalled run.
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as { port: number }).port;
}

describe("status with wrong-typed and unreadable keys (standalone redis-server)", () => {
  const redis = standaloneForSuite();

  test("each wrong type is named with what it holds; everything else is still reported", async () => {
    await redis.writer.flushall();
    await writeRelayMinerState(redis.writer);
    await redis.writer.del(keys.leaderLock, keys.instance("miner-miner-1-17"), keys.supplierLease("pokt1supplierccc"), keys.sessionState("pokt1supplierccc", "proving"));
    await redis.writer.rpush(keys.leaderLock, "miner-0-17");
    await redis.writer.hset(keys.instance("miner-miner-1-17"), "beat", "1");
    await redis.writer.hset(keys.supplierLease("pokt1supplierccc"), "owner", "miner-miner-0-17");
    await redis.writer.set(keys.relayStream("pokt1supplierddd"), "not a stream");
    await redis.writer.rpush(keys.sessionState("pokt1supplierccc", "proving"), "s9");

    const json = cli("--redis", redis.url, "--json");
    assert.equal(json.code, 3, json.stderr);
    const s = JSON.parse(json.stdout) as StatusSnapshot;
    assert.deepEqual(s.problems, [
      { key: "ha:miner:claim:pokt1supplierccc", problem: "holds a hash, expected a string (a supplier lease)" },
      { key: "ha:miner:global_leader", problem: "holds a list, expected a string (the leader lock)" },
      { key: "ha:miner:instance:miner-miner-1-17", problem: "holds a hash, expected a string (a miner heartbeat)" },
      { key: "ha:miner:sessions:pokt1supplierccc:state:proving", problem: "holds a list, expected a set (a session state set)" },
      { key: "ha:relays:pokt1supplierddd", problem: "holds a string, expected a stream (a relay stream)" },
    ]);
    // The readable rest is all there.
    assert.deepEqual(
      s.leases.map((l) => l.supplier),
      ["pokt1supplieraaa", "pokt1supplierbbb"],
    );
    assert.deepEqual(
      s.streams.map((x) => x.supplier),
      ["pokt1supplieraaa", "pokt1supplierbbb"],
    );
    assert.equal(s.miners.find((m) => m.id === "miner-miner-1-17")?.heartbeatAgeMs, null);
    assert.deepEqual(s.sessions.find((x) => x.supplier === "pokt1supplieraaa")?.byState, { active: 1, claimed: 2 });

    const text = cli("--redis", redis.url);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /^Unreadable keys \(5\); the sections below leave them out:\n {2}ha:miner:claim:pokt1supplierccc: holds a hash/m);
    assert.match(text.stdout, /^Leader: unknown \(ha:miner:global_leader is unreadable, see above\)$/m);
    assert.match(text.stdout, /^Relay streams \(2\):$/m);
    assert.doesNotMatch(text.stdout + text.stderr, /WRONGTYPE|no expiry\)/);
  });

  test("the active set and the session index are read on their own too", async () => {
    await redis.writer.flushall();
    await writeRelayMinerState(redis.writer);
    await redis.writer.del(keys.activeSet, keys.sessionIndex("pokt1supplieraaa"));
    await redis.writer.set(keys.activeSet, "miner-0-17");
    await redis.writer.zadd(keys.sessionIndex("pokt1supplieraaa"), 1, "s1");
    const s = JSON.parse(cli("--redis", redis.url, "--json").stdout) as StatusSnapshot;
    assert.deepEqual(
      s.problems.map((p) => `${p.key}: ${p.problem}`),
      ["ha:miner:active: holds a string, expected a set (the active miner set)", "ha:miner:sessions:pokt1supplieraaa:index: holds a zset, expected a set (a session index)"],
    );
    assert.deepEqual(
      s.miners.map((m) => [m.id, m.registered]),
      [
        ["miner-miner-0-17", false],
        ["miner-miner-1-17", false],
      ],
    );
  });

  test("a key the server refuses to read (ACL) is named; the rest prints", async () => {
    await redis.writer.flushall();
    await writeRelayMinerState(redis.writer);
    // May read every relay-miner key except the leader lock.
    await redis.writer.call(
      "ACL",
      "SETUSER",
      "status-reader",
      "on",
      ">pw",
      "resetkeys",
      "~ha:miner:active",
      "~ha:miner:instance:*",
      "~ha:miner:claim:*",
      "~ha:relays:*",
      "~ha:miner:sessions:*",
      "&*",
      "+@all",
    );
    try {
      const r = cli("--redis", `redis://status-reader:pw@127.0.0.1:${redis.servers.ports[0]}`, "--json");
      assert.equal(r.code, 3, r.stderr);
      const s = JSON.parse(r.stdout) as StatusSnapshot;
      assert.equal(s.problems.length, 1);
      assert.equal(s.problems[0].key, keys.leaderLock);
      assert.match(s.problems[0].problem, /^could not be read: NOPERM/);
      assert.equal(s.streams.length, 2);
      assert.equal(s.leases.length, 3);
    } finally {
      await redis.writer.call("ACL", "DELUSER", "status-reader");
    }
  });

  test("an empty leader lock is a problem, not 'lock expires in no expiry'; a lock without TTL says so", async () => {
    await redis.writer.flushall();
    await writeRelayMinerState(redis.writer);
    await redis.writer.set(keys.leaderLock, "");
    const empty = cli("--redis", redis.url);
    assert.equal(empty.code, 3);
    assert.match(empty.stdout, /^ {2}ha:miner:global_leader: holds an empty value, not a miner instance id$/m);
    assert.match(empty.stdout, /^Leader: unknown /m);
    assert.doesNotMatch(empty.stdout, /expires in no expiry/);

    await redis.writer.set(keys.leaderLock, fixture.leader);
    const noTtl = cli("--redis", redis.url);
    assert.equal(noTtl.code, 0);
    assert.match(noTtl.stdout, /^Leader: miner-0-17 \(the lock has no expiry; miners always set one, so something else wrote it\)$/m);
  });

  test("redis-cluster:// against a standalone Redis is named as a mode mismatch", () => {
    const r = cli("--redis", `redis-cluster://127.0.0.1:${redis.servers.ports[0]}`);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `status: 127.0.0.1:${redis.servers.ports[0]} is a standalone Redis (cluster support disabled); use --redis redis://127.0.0.1:${redis.servers.ports[0]}, not redis-cluster://`,
    );
  });
});

describe("status against endpoints that are not (this kind of) Redis", () => {
  test("an HTTP server on the port is named as such", async () => {
    const http = createHttpServer((_req, res) => res.end("hello"));
    const port = await listening(http);
    try {
      for (const scheme of ["redis", "redis-cluster"]) {
        const r = await cliAsync("--redis", `${scheme}://127.0.0.1:${port}`);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /something answered, but in HTTP, not the Redis protocol: this is an HTTP server, not Redis \(wrong port\?\)/);
        assert.doesNotMatch(r.stderr, /Unknown RESP type|Please report this/);
      }
    } finally {
      http.close();
    }
  });

  test("a port that accepts and never answers is named within seconds", async () => {
    const silent = createTcpServer(() => undefined);
    const port = await listening(silent);
    try {
      const r = await cliAsync("--redis", `redis://127.0.0.1:${port}`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /accepted a connection but did not answer PING within 2 s: not a Redis server, or a stuck one/);
    } finally {
      silent.close();
    }
  });

  test("redis:// against a Redis Cluster node is named as a mode mismatch", async () => {
    const cluster = await startCluster();
    try {
      const r = cli("--redis", `redis://127.0.0.1:${cluster.ports[0]}`);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^status: 127\\.0\\.0\\.1:${cluster.ports[0]} is a Redis Cluster node, but --redis asked for a standalone Redis; use --redis redis-cluster://127\\.0\\.0\\.1:${cluster.ports[0]}`,
        ),
      );
    } finally {
      await cluster.stop();
    }
  });
});
