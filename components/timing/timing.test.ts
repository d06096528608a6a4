import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { haTimingProblems, minerHaTimings, relayMinerDefaults, relayMinerMinimums, worstLeaderTakeoverSeconds, worstSupplierTakeoverSeconds } from "./failover";
import { blocksToProofWindowClose, failoverFitProblems, sessionTiming, timingPresets, type SessionTiming } from "./sessions";

const blockTimes = Array.from({ length: 60 }, (_, i) => i + 1);

/**
 * The relay-miner's behaviour after a miner is SIGKILLed at the height its work is due, replayed
 * block by block: the leader lock and the supplier leases lapse and are retaken (seconds), the
 * standby starts on the next block event, and it refuses to start when 2 or fewer blocks of the
 * window remain. Returns the blocks left over beyond that refusal rule.
 */
function slackAfterCrash(dueHeight: number, closeHeight: number, blockTimeSeconds: number, t: ReturnType<typeof minerHaTimings>): number {
  const crashAt = dueHeight * blockTimeSeconds;
  // Worst case: the last renewals happened just before the crash, and the retry ticks land just
  // after each lease expires.
  const leaderBack = crashAt + t.leaderTtlSeconds + t.heartbeatRateSeconds;
  const suppliersBack = leaderBack + t.claimTtlSeconds + t.rebalanceIntervalSeconds;
  let height = dueHeight;
  while (height * blockTimeSeconds < suppliersBack) height++;
  const startHeight = height + 1;
  const remaining = closeHeight - startHeight;
  return remaining - 3; // it needs more than 2 blocks remaining
}

function windowsOf(s: SessionTiming, sessionEnd: number) {
  const claimOpen = sessionEnd + s.claim_window_open_offset_blocks + 1;
  const claimClose = claimOpen + s.claim_window_close_offset_blocks;
  const proofOpen = claimClose + s.proof_window_open_offset_blocks;
  return { claimOpen, claimClose, proofOpen, proofClose: proofOpen + s.proof_window_close_offset_blocks };
}

describe("miner HA timings derived from the block time", () => {
  test("for every allowed block time: accepted by the relay-miner (floors, heartbeat < TTL, renew < TTL), no warning (heartbeat <= TTL/2)", () => {
    for (const bt of blockTimes) {
      const t = minerHaTimings(bt);
      assert.deepEqual(haTimingProblems(t), [], `block time ${bt}`);
      assert.ok(t.heartbeatRateSeconds <= t.leaderTtlSeconds / 2, `block time ${bt}: heartbeat ${t.heartbeatRateSeconds} > TTL/2`);
      assert.ok(t.renewRateSeconds <= t.claimTtlSeconds / 2, `block time ${bt}: renew ${t.renewRateSeconds} > claim TTL/2`);
    }
  });

  test("a standby holds the leader lock within 3 block times; at 1 s blocks the relay-miner's 5 s TTL floor allows 6 s", () => {
    for (const bt of blockTimes) {
      const worst = worstLeaderTakeoverSeconds(minerHaTimings(bt));
      if (bt >= 2) assert.ok(worst <= 3 * bt, `block time ${bt}: worst leader takeover ${worst} s > ${3 * bt} s`);
      else assert.equal(worst, relayMinerMinimums.leaderTtlSeconds + relayMinerMinimums.heartbeatRateSeconds);
    }
  });

  test("the relay-miner's own defaults are far slower (the crash that lost 200 relays): 40 s leader, 120 s suppliers", () => {
    assert.equal(worstLeaderTakeoverSeconds(relayMinerDefaults), 40);
    assert.equal(worstSupplierTakeoverSeconds(relayMinerDefaults), 120);
    assert.ok(worstSupplierTakeoverSeconds(minerHaTimings(2)) <= 20);
  });

  test("values the relay-miner rejects are named with the key and what is allowed", () => {
    assert.deepEqual(haTimingProblems({ ...minerHaTimings(2), leaderTtlSeconds: 4, claimTtlSeconds: "20" as unknown as number }), [
      { key: "leader_election.leader_ttl_seconds", value: 4, message: "the relay-miner allows integers from 5" },
      { key: "supplier_claiming.claim_ttl_seconds", value: "20", message: "the relay-miner allows integers from 15" },
    ]);
    assert.deepEqual(haTimingProblems({ ...minerHaTimings(2), renewRateSeconds: 15 }), [
      { key: "supplier_claiming.renew_rate_seconds", value: 15, message: "must be less than claim_ttl_seconds (15)" },
    ]);
  });
});

describe("session windows per preset and block time", () => {
  for (const preset of timingPresets) {
    test(`${preset}: for every block time 1..60 a crash when a claim or a proof is due leaves the standby time to submit, with 2 blocks of margin`, () => {
      for (const bt of blockTimes) {
        const s = sessionTiming(preset, bt);
        const t = minerHaTimings(bt);
        const w = windowsOf(s, 10 * s.num_blocks_per_session);
        const claimSlack = slackAfterCrash(w.claimOpen, w.claimClose, bt, t);
        const proofSlack = slackAfterCrash(w.proofOpen, w.proofClose, bt, t);
        assert.ok(claimSlack >= 2, `${preset}, ${bt} s blocks: claim window slack ${claimSlack} blocks (${JSON.stringify(s)})`);
        assert.ok(proofSlack >= 2, `${preset}, ${bt} s blocks: proof window slack ${proofSlack} blocks`);
        assert.deepEqual(failoverFitProblems(s, bt, t), []);
      }
    });

    test(`${preset}: the chain's shared-param rules hold for every block time (grace < session, claim open >= grace, unbonding outlasts the windows)`, () => {
      for (const bt of blockTimes) {
        const s = sessionTiming(preset, bt);
        assert.ok(s.grace_period_end_offset_blocks < s.num_blocks_per_session);
        assert.ok(s.claim_window_open_offset_blocks >= s.grace_period_end_offset_blocks);
        const windows = blocksToProofWindowClose(s);
        assert.ok(s.supplier_unbonding_period_sessions * s.num_blocks_per_session >= windows, `${preset} ${bt}: supplier unbonding`);
        assert.ok(s.application_unbonding_period_sessions * s.num_blocks_per_session >= windows, `${preset} ${bt}: application unbonding`);
      }
    });
  }

  test("fast keeps 10-block sessions; mainnet keeps mainnet's 20-block sessions, 10-block grace and, at slow blocks, 10-block windows", () => {
    assert.equal(sessionTiming("fast", 2).num_blocks_per_session, 10);
    const slow = sessionTiming("mainnet", 60);
    assert.deepEqual(
      [slow.num_blocks_per_session, slow.grace_period_end_offset_blocks, slow.claim_window_open_offset_blocks, slow.proof_window_open_offset_blocks],
      [20, 10, 11, 1],
    );
    assert.ok(slow.claim_window_close_offset_blocks >= 10);
  });

  test("the windows the relay-miner's default timings needed did not fit the old 8-block window at 2 s blocks, and the check says why", () => {
    const old = { ...sessionTiming("fast", 2), claim_window_close_offset_blocks: 8, proof_window_close_offset_blocks: 8 };
    const w = windowsOf(old, 100);
    assert.ok(slackAfterCrash(w.claimOpen, w.claimClose, 2, relayMinerDefaults) < 0);
    const problems = failoverFitProblems(old, 2, relayMinerDefaults);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^claim_window_close_offset_blocks = 8 is too short: a miner crash takes up to 160 s \(80 blocks of 2 s\).*allowed: 86 or more$/);
  });
});
