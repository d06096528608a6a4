import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { startStandalone, type RedisServers } from "../../test/support/redis-server";
import { parseRedisUrl } from "../status/args";
import { connect, type Connection } from "../status/connect";
import { awaitRecovery, type Clock, heightAbove, heightMoving, type KeyReader, leaderRecovered, leasesLive, leasesRetaken, lockNow, newLeader, readerOf } from "./recovery";

/**
 * Virtual time: `sleep` advances it and runs the events scheduled up to then, so a test states
 * "at t = 6 s the standby takes the lock" and the wait sees it at exactly that time.
 */
class FakeClock implements Clock {
  private t = 1_000_000;
  private readonly events: { at: number; run: () => Promise<unknown> }[] = [];
  readonly start = this.t;
  now = () => this.t;
  at(offsetMs: number, run: () => Promise<unknown>) {
    this.events.push({ at: this.start + offsetMs, run });
    this.events.sort((a, b) => a.at - b.at);
  }
  sleep = async (ms: number) => {
    this.t += ms;
    while (this.events[0] && this.events[0].at <= this.t) await this.events.shift()!.run();
  };
}

describe("chaos recovery detection against a real Redis, on a fake clock", () => {
  let servers: RedisServers;
  let conn: Connection;
  let writer: Redis;
  let reader: KeyReader;

  before(async () => {
    servers = await startStandalone();
    const url = `redis://127.0.0.1:${servers.ports[0]}`;
    conn = await connect(parseRedisUrl(url));
    reader = readerOf(conn);
    writer = new Redis(url);
  });
  after(async () => {
    conn?.close();
    writer?.disconnect();
    await servers?.stop();
  });

  test("a new leader is seen at the poll after it took the lock, with the time since the fault", async () => {
    await writer.set(conn.keys.leaderLock, "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    clock.at(2_000, () => writer.del(conn.keys.leaderLock)); // the lock expires
    clock.at(6_100, () => writer.set(conn.keys.leaderLock, "miner-1-7", "EX", 60)); // the standby's heartbeat
    const seen = await awaitRecovery(newLeader(reader, "miner-0-7"), { clock, boundMs: 30_000, intervalMs: 250 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 6_250, detail: "miner-1-7" });
  });

  test("the same instance holding the lock again is not a new leader; the bound is reported as a failure", async () => {
    await writer.set(conn.keys.leaderLock, "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    const seen = await awaitRecovery(newLeader(reader, "miner-0-7"), { clock, boundMs: 6_000, intervalMs: 500 });
    assert.equal(seen.ok, false);
    assert.equal(seen.afterMs, 6_000);
    assert.match(seen.detail, /^not within 6 s$/);
  });

  test("leases count as retaken only when every supplier of the dead miner has another owner", async () => {
    const suppliers = ["pokt1a", "pokt1b"];
    for (const s of suppliers) await writer.set(conn.keys.supplierLease(s), "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    clock.at(1_000, () => writer.set(conn.keys.supplierLease("pokt1a"), "miner-1-7", "EX", 60));
    clock.at(5_000, () => writer.del(conn.keys.supplierLease("pokt1b"))); // expired, not yet claimed
    clock.at(9_000, () => writer.set(conn.keys.supplierLease("pokt1b"), "miner-1-7", "EX", 60));
    const seen = await awaitRecovery(leasesRetaken(reader, suppliers, "miner-0-7"), { clock, boundMs: 20_000, intervalMs: 1_000 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 9_000, detail: "miner-1-7" });
  });

  test("a miner pod that comes back under its old instance id and re-takes the lock counts: the lock's TTL goes up", async () => {
    await writer.set(conn.keys.leaderLock, "miner-0-7", "PX", 5_000);
    const clock = new FakeClock();
    const before = await lockNow(reader, clock);
    // Nobody renews: the TTL runs down with virtual time (kept in step here, Redis' own clock is
    // real); at 3 s the restarted pod sets the lock again.
    for (let t = 250; t < 3_000; t += 250) clock.at(t, () => writer.pexpire(conn.keys.leaderLock, 5_000 - t));
    clock.at(3_000, () => writer.set(conn.keys.leaderLock, "miner-0-7", "PX", 60_000));
    const seen = await awaitRecovery(leaderRecovered(reader, clock, before), { clock, boundMs: 10_000, intervalMs: 500 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 3_000, detail: "miner-0-7" });
    // A lock left to run down is not a recovery.
    await writer.set(conn.keys.leaderLock, "miner-0-7", "PX", 60_000);
    const quiet = new FakeClock();
    for (let t = 250; t <= 2_000; t += 250) quiet.at(t, () => writer.pexpire(conn.keys.leaderLock, 60_000 - t));
    const still = await awaitRecovery(leaderRecovered(reader, quiet, await lockNow(reader, quiet)), { clock: quiet, boundMs: 2_000, intervalMs: 500 });
    assert.equal(still.ok, false);
  });

  test("leases count as live once every owner has sent a heartbeat after the fault", async () => {
    const t0 = 1_900_000_000_000;
    const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
    await writer.set(conn.keys.supplierLease("pokt1c"), "miner-miner-0-7", "EX", 60);
    await writer.set(conn.keys.supplierLease("pokt1d"), "miner-miner-1-7", "EX", 60);
    await writer.set(conn.keys.instance("miner-miner-0-7"), nanos(t0 - 1_000), "EX", 60);
    await writer.set(conn.keys.instance("miner-miner-1-7"), nanos(t0 + 500), "EX", 60);
    const clock = new FakeClock();
    clock.at(4_000, () => writer.set(conn.keys.instance("miner-miner-0-7"), nanos(t0 + 3_900), "EX", 60)); // the restarted pod's first beat
    const seen = await awaitRecovery(leasesLive(reader, ["pokt1c", "pokt1d"], t0), { clock, boundMs: 10_000, intervalMs: 1_000 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 4_000, detail: "miner-miner-0-7, miner-miner-1-7" });
  });

  test("counting from the fault (since) and probe errors: an unreachable chain is retried and named at the bound", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const height = async () => {
      calls++;
      if (calls < 3) throw new Error("connect ECONNREFUSED 127.0.0.1:26657");
      return 42;
    };
    const seen = await awaitRecovery(heightAbove(height, 41), { clock, boundMs: 10_000, intervalMs: 1_000, since: clock.start - 4_000 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 6_000, detail: "height 42" });
    const never = await awaitRecovery(
      heightAbove(async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:26657");
      }, 0),
      { clock: new FakeClock(), boundMs: 3_000, intervalMs: 1_000 },
    );
    assert.equal(never.ok, false);
    assert.match(never.detail, /not within 3 s \(last error: connect ECONNREFUSED/);
  });

  test("height moving: a restarted chain counts from the first height read, errors while it restarts are retried", async () => {
    const clock = new FakeClock();
    const reads: (number | Error)[] = [new Error("ECONNRESET"), 1, 1, 2];
    const seen = await awaitRecovery(
      heightMoving(async () => {
        const r = reads.shift() ?? 2;
        if (r instanceof Error) throw r;
        return r;
      }),
      { clock, boundMs: 10_000, intervalMs: 1_000 },
    );
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 3_000, detail: "height 1 → 2" });
  });
});
