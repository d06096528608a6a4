import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RelayEvent } from "../chain-events";
import { ChainMetrics } from "./chain-metrics";
import { ChainFollower, type ChainSource } from "./follower";

const claimAt = (height: number): RelayEvent => ({
  kind: "claim",
  supplier: "s1",
  service: "svc",
  application: "a1",
  sessionEndHeight: 10,
  height,
  relays: 10,
  computeUnits: 100,
  claimedUpokt: 1000n,
});

/** A chain whose every block carries one claim; failures can be switched on. */
class FakeChain implements ChainSource {
  latest = 0;
  failBlocks = false;
  failStakes = false;
  reads: [number, number][] = [];
  async latestHeight() {
    if (this.failBlocks) throw new Error("connection refused");
    return this.latest;
  }
  async eventsBetween(from: number, to: number) {
    this.reads.push([from, to]);
    return Array.from({ length: to - from + 1 }, (_, i) => claimAt(from + i));
  }
  stakeReads: (number | undefined)[] = [];
  pruned = false;
  async stakes(height?: number) {
    this.stakeReads.push(height);
    if (this.failStakes) throw new Error("HTTP 503");
    if (height !== undefined && this.pruned) throw new Error("HTTP 500 height 1 is not available");
    return { applications: [{ address: "app1", stakeUpokt: height === undefined ? 80n : 100n }], suppliers: [] };
  }
}

const key = { service_id: "svc", supplier: "s1" };

describe("following the chain", () => {
  test("reads each block once, in bounded batches, and catches up over several ticks", async () => {
    const chain = new FakeChain();
    const m = new ChainMetrics();
    const f = new ChainFollower(chain, m, { fromHeight: 1, maxBlocksPerTick: 4 });
    chain.latest = 10;
    assert.deepEqual(await f.tick(), { blocks: 4, events: 4, ok: true });
    await f.tick();
    await f.tick();
    assert.deepEqual(await f.tick(), { blocks: 0, events: 0, ok: true });
    assert.deepEqual(chain.reads, [
      [1, 4],
      [5, 8],
      [9, 10],
    ]);
    assert.equal(m.claims.value(key), 10);
    assert.equal(m.height.value(), 10);
    assert.equal(m.blocksRead.value(), 10);
    assert.equal(m.up.value(), 1);
  });

  test("a failed read counts nothing, keeps the position and marks the exporter down until the node answers", async () => {
    const chain = new FakeChain();
    const m = new ChainMetrics();
    const f = new ChainFollower(chain, m, { fromHeight: 1, maxBlocksPerTick: 100 });
    chain.failBlocks = true;
    chain.latest = 3;
    assert.equal((await f.tick()).ok, false);
    assert.equal(f.ready, false);
    assert.deepEqual([m.up.value(), m.readErrors.value({ what: "blocks" }), m.claims.value(key)], [0, 1, undefined]);
    chain.failBlocks = false;
    await f.tick();
    assert.deepEqual([m.up.value(), m.claims.value(key), f.ready], [1, 3, true]);
    chain.failStakes = true;
    chain.latest = 4;
    const r = await f.tick();
    assert.deepEqual([r.ok, m.up.value(), m.readErrors.value({ what: "stakes" }), m.claims.value(key)], [false, 0, 1, 4], "blocks still read when stakes fail");
  });

  test("stakes as of the first block are read once, as the baseline of every change", async () => {
    const chain = new FakeChain();
    const m = new ChainMetrics();
    const f = new ChainFollower(chain, m, { fromHeight: 1, maxBlocksPerTick: 100 });
    chain.latest = 3;
    await f.tick();
    await f.tick();
    assert.deepEqual(chain.stakeReads, [undefined, 1, undefined]);
    assert.deepEqual([m.applicationStakeStart.value({ application: "app1" }), m.applicationStake.value({ application: "app1" })], [100, 80]);
  });

  test("a node that pruned the first block's state: the baseline is the first read now, said in the log", async () => {
    const chain = new FakeChain();
    chain.pruned = true;
    const m = new ChainMetrics();
    const logs: string[] = [];
    const f = new ChainFollower(chain, m, { fromHeight: 1, maxBlocksPerTick: 100, log: (_l, msg) => logs.push(msg) });
    await f.tick();
    assert.equal(m.applicationStakeStart.value({ application: "app1" }), 80);
    assert.match(logs.join("\n"), /stakes at the first block are not available/);
  });

  test("a chain that started again from genesis is followed from its first block; counters keep growing", async () => {
    const chain = new FakeChain();
    const m = new ChainMetrics();
    const logs: string[] = [];
    const f = new ChainFollower(chain, m, { fromHeight: 1, maxBlocksPerTick: 100, log: (_l, msg) => logs.push(msg) });
    chain.latest = 20;
    await f.tick();
    chain.latest = 2;
    await f.tick();
    assert.deepEqual(chain.reads.at(-1), [1, 2]);
    assert.equal(m.claims.value(key), 22);
    assert.match(logs.join("\n"), /started again/);
  });
});
