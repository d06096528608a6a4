import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { startStandalone, type RedisServers } from "../test-support/redis-server";
import { parseRedisUrl } from "../status/args";
import { connect, type Connection } from "../status/connect";
import { keys } from "../status/keys";
import { awaitRecovery, type Clock, heightAbove, leasesRetaken, newLeader } from "./recovery";

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

  before(async () => {
    servers = await startStandalone();
    const url = `redis://127.0.0.1:${servers.ports[0]}`;
    conn = await connect(parseRedisUrl(url));
    writer = new Redis(url);
  });
  after(async () => {
    conn?.close();
    writer?.disconnect();
    await servers?.stop();
  });

  test("a new leader is seen at the poll after it took the lock, with the time since the fault", async () => {
    await writer.set(keys.leaderLock, "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    clock.at(2_000, () => writer.del(keys.leaderLock)); // the lock expires
    clock.at(6_100, () => writer.set(keys.leaderLock, "miner-1-7", "EX", 60)); // the standby's heartbeat
    const seen = await awaitRecovery(newLeader(conn, "miner-0-7"), { clock, boundMs: 30_000, intervalMs: 250 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 6_250, detail: "miner-1-7" });
  });

  test("the same instance holding the lock again is not a new leader; the bound is reported as a failure", async () => {
    await writer.set(keys.leaderLock, "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    const seen = await awaitRecovery(newLeader(conn, "miner-0-7"), { clock, boundMs: 6_000, intervalMs: 500 });
    assert.equal(seen.ok, false);
    assert.equal(seen.afterMs, 6_000);
    assert.match(seen.detail, /^not within 6 s$/);
  });

  test("leases count as retaken only when every supplier of the dead miner has another owner", async () => {
    const suppliers = ["pokt1a", "pokt1b"];
    for (const s of suppliers) await writer.set(keys.supplierLease(s), "miner-0-7", "EX", 60);
    const clock = new FakeClock();
    clock.at(1_000, () => writer.set(keys.supplierLease("pokt1a"), "miner-1-7", "EX", 60));
    clock.at(5_000, () => writer.del(keys.supplierLease("pokt1b"))); // expired, not yet claimed
    clock.at(9_000, () => writer.set(keys.supplierLease("pokt1b"), "miner-1-7", "EX", 60));
    const seen = await awaitRecovery(leasesRetaken(conn, suppliers, "miner-0-7"), { clock, boundMs: 20_000, intervalMs: 1_000 });
    assert.deepEqual({ ok: seen.ok, afterMs: seen.afterMs, detail: seen.detail }, { ok: true, afterMs: 9_000, detail: "miner-1-7" });
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
    const never = await awaitRecovery(heightAbove(async () => { throw new Error("connect ECONNREFUSED 127.0.0.1:26657"); }, 0), { clock: new FakeClock(), boundMs: 3_000, intervalMs: 1_000 });
    assert.equal(never.ok, false);
    assert.match(never.detail, /not within 3 s \(last error: connect ECONNREFUSED/);
  });
});
