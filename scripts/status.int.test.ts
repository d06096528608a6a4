/**
 * `npm run status` against real redis-server processes: standalone and a 3-primary cluster, both
 * filled with the relay-miner's key shapes. Also the CLI's exit codes and one-line errors.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { parseArgs, parseRedisUrl, redactUrl } from "./status/args";
import { collect, parseBlockEvent, type StatusSnapshot } from "./status/collect";
import { connect, type Connection } from "./status/connect";
import { renderText } from "./status/render";
import { redisKeyPrefixFor, relayMinerRedisKeys } from "../components/topology/names";
import { standaloneForSuite, startCluster, type RedisServers } from "../test/support/redis-server";
import { fixture, writeRelayMinerState } from "../test/support/relayminer-state";

const root = join(__dirname, "..");

/** Runs the real CLI the way `npm run status` does. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/status.ts", ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Collects while another client publishes block events, as the leader miner would. */
async function collectWithBlocks(conn: Connection, publisher: Redis | Cluster, url: string, mode: "standalone" | "cluster") {
  const timer = setInterval(() => {
    publisher.publish(conn.keys.blockEventsChannel, JSON.stringify({ height: 42, hash: "ABCD", timestamp: "2026-11-28T12:00:00Z" })).catch(() => undefined);
  }, 50);
  try {
    return await collect(conn, { url, mode, blockWaitMs: 5000 });
  } finally {
    clearInterval(timer);
  }
}

function assertFixture(s: StatusSnapshot): void {
  assert.equal(s.leader?.holder, fixture.leader);
  assert.ok(s.leader.ttlMs !== null && s.leader.ttlMs > 0 && s.leader.ttlMs <= 30_000, `leader TTL ${s.leader.ttlMs}`);

  assert.deepEqual(
    s.miners.map((m) => [m.id, m.leader, m.registered, m.leases, m.heartbeatAgeMs === null]),
    [
      ["miner-miner-0-17", true, true, 2, false],
      ["miner-miner-1-17", false, true, 1, false],
      ["miner-miner-9-3", false, true, 0, true],
    ],
  );
  // Ages grow and TTLs shrink by the time between writing the fixture and reading it back: the
  // fixture's values bound them on one side exactly, the other side allows a loaded machine a minute.
  for (const m of s.miners.filter((x) => x.heartbeatAgeMs !== null)) {
    const age = m.heartbeatAgeMs ?? 0;
    assert.ok(age >= fixture.heartbeatAgeMs - 1000 && age < fixture.heartbeatAgeMs + 60_000, `heartbeat age ${age}`);
    assert.ok((m.heartbeatTtlMs ?? 0) > 30_000 && (m.heartbeatTtlMs ?? 0) <= 90_000, `heartbeat TTL ${m.heartbeatTtlMs}`);
  }

  assert.deepEqual(
    s.leases.map((l) => [l.supplier, l.owner]),
    Object.entries(fixture.leases).sort(),
  );
  assert.ok(
    s.leases.every((l) => l.ttlMs !== null && l.ttlMs > 30_000 && l.ttlMs <= 90_000),
    JSON.stringify(s.leases),
  );

  assert.deepEqual(
    s.streams.map((st) => [st.supplier, st.length, st.group?.pending ?? null, st.group?.consumers ?? null]),
    [
      ["pokt1supplieraaa", 5, 3, 1],
      ["pokt1supplierbbb", 2, null, null],
    ],
  );

  assert.deepEqual(s.sessions, [
    { supplier: "pokt1supplieraaa", total: 3, byState: { active: 1, claimed: 2 } },
    { supplier: "pokt1supplierccc", total: 1, byState: { proving: 1 } },
  ]);
  assert.deepEqual(s.latestBlock, { height: 42, hash: "ABCD", timestamp: "2026-11-28T12:00:00Z" });
}

describe("status against a standalone redis-server", () => {
  const redis = standaloneForSuite((s) => writeRelayMinerState(s.writer));

  test("reports leader, miners, leases, streams, sessions and the latest block event", async () => {
    const conn = await connect(parseRedisUrl(redis.url));
    try {
      assertFixture(await collectWithBlocks(conn, redis.writer, redis.url, "standalone"));
    } finally {
      conn.close();
    }
  });

  test("the CLI prints the same as JSON and as text", () => {
    const json = cli("--redis", redis.url, "--json", "--block-wait", "0");
    assert.equal(json.code, 0, json.stderr);
    const s = JSON.parse(json.stdout) as StatusSnapshot;
    assert.equal(s.leader?.holder, fixture.leader);
    assert.equal(s.latestBlock, null);
    assert.equal(s.streams.length, 2);

    const text = cli("--redis", redis.url, "--block-wait", "0");
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Leader: miner-0-17 \(lock expires in \d+s\)$/m);
    assert.match(text.stdout, /^ {2}miner-miner-9-3 +standby +missing \(stale\) +0 +yes$/m);
    assert.match(text.stdout, /^ {2}pokt1supplieraaa +5 +3 +\d+ +1$/m);
    assert.match(text.stdout, /^ {2}pokt1supplierbbb +2 +- +- +no ha-miners group$/m);
    assert.match(text.stdout, /^Latest block event: not checked \(--block-wait 0\)$/m);
  });

  test("an empty Redis says so instead of printing empty tables", async () => {
    await redis.writer.flushall();
    const conn = await connect(parseRedisUrl(redis.url));
    try {
      const text = renderText(await collect(conn, { url: redis.url, mode: "standalone", blockWaitMs: 100 }));
      assert.match(text, /Leader: none/);
      assert.match(text, /Relay streams \(0\):\n {2}none/);
      assert.match(text, /Latest block event: none within 100ms/);
    } finally {
      conn.close();
      await writeRelayMinerState(redis.writer);
    }
  });
});

describe("status against a 3-node Redis Cluster", () => {
  let servers: RedisServers;
  let writer: Cluster;
  let url: string;
  before(async () => {
    servers = await startCluster();
    url = `redis-cluster://${servers.ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
    writer = new Cluster([{ host: "127.0.0.1", port: servers.ports[0] }]);
    await writeRelayMinerState(writer, Date.now(), relayMinerRedisKeys(redisKeyPrefixFor("cluster")));
  });
  after(async () => {
    writer?.disconnect();
    await servers?.stop();
  });

  test("the fixture's keys really are spread over several primaries", async () => {
    const holding = await Promise.all(writer.nodes("master").map(async (n) => (await n.dbsize()) > 0));
    assert.ok(holding.filter(Boolean).length >= 2, "keys on fewer than 2 nodes would not test the per-node SCAN");
  });

  test("reports the same state as standalone, scanning every primary", async () => {
    const conn = await connect(parseRedisUrl(url));
    try {
      assertFixture(await collectWithBlocks(conn, writer, url, "cluster"));
    } finally {
      conn.close();
    }
  });

  test("the CLI takes a redis-cluster:// seed list", () => {
    const r = cli("--redis", `redis-cluster://127.0.0.1:${servers.ports[1]}`, "--json", "--block-wait", "0");
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as StatusSnapshot;
    assert.equal(s.redis.mode, "cluster");
    assert.equal(s.leases.length, 3);
    assert.equal(s.sessions.length, 2);
  });
});

describe("status errors", () => {
  test("unreachable Redis: one line on stderr, exit 1, no stack trace", () => {
    const r = cli("--redis", "redis://127.0.0.1:1");
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^status: cannot reach Redis at 127\.0\.0\.1:1: connect ECONNREFUSED/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("bad arguments name the flag, the value and what is allowed; exit 2", () => {
    const r = cli("--redis", "http://x:1");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--redis "http:\/\/x:1": unknown scheme "http:\/\/"; allowed: redis:\/\//);
    assert.throws(() => parseArgs(["--block-wait", "soon"]), /--block-wait "soon": must be whole milliseconds from 0 to 600000/);
    assert.throws(() => parseArgs(["--verbose"]), /unknown argument "--verbose"; allowed: --json/);
    assert.throws(() => parseRedisUrl("redis://a:1,b:2"), /several hosts need the redis-cluster:\/\/ scheme/);
    assert.throws(() => parseRedisUrl("redis://host:99999"), /is not host:port/);
  });

  test("URL forms: default, auth, db, cluster seeds; passwords are masked in output", () => {
    assert.deepEqual(parseArgs([]).redis, { mode: "standalone", host: "127.0.0.1", port: 6379, username: undefined, password: undefined, db: 0, tls: false });
    assert.deepEqual(parseRedisUrl("redis://:s3cret@h:7000/2"), { mode: "standalone", host: "h", port: 7000, username: undefined, password: "s3cret", db: 2, tls: false });
    assert.deepEqual(parseRedisUrl("redis-cluster://a:1,b:2"), {
      mode: "cluster",
      nodes: [
        { host: "a", port: 1 },
        { host: "b", port: 2 },
      ],
      username: undefined,
      password: undefined,
    });
    assert.equal(redactUrl("redis://user:s3cret@h:1"), "redis://user:***@h:1");
  });

  test("block events: JSON, a bare height, or anything else kept raw", () => {
    assert.deepEqual(parseBlockEvent('{"height":"7","timestamp":1}'), { height: 7, timestamp: 1 });
    assert.deepEqual(parseBlockEvent("12"), { height: 12 });
    assert.deepEqual(parseBlockEvent("garbage"), { height: null, raw: "garbage" });
  });
});
