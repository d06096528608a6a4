/**
 * How long the relay-miner's HA hand-over takes, derived from the chain's block time.
 *
 * Two Redis leases decide who works after a miner dies without releasing them (SIGKILL, OOM, node
 * loss): the global leader lock (`leader_election`: the leader publishes block events; without
 * one, no miner sees a new block) and one lease per supplier (`supplier_claiming`: only the holder
 * builds and submits that supplier's claims and proofs). A standby retries the lock every heartbeat
 * and scans for expired supplier leases every rebalance interval, so the worst case after a crash
 * is "lease TTL + one retry period" for each. The shorter these are, the sooner a standby takes
 * over, but each has a floor in the relay-miner's config schema.
 */

/** The miner config's `leader_election` and `supplier_claiming` blocks, in seconds. */
export interface MinerHaTimings {
  leaderTtlSeconds: number;
  heartbeatRateSeconds: number;
  claimTtlSeconds: number;
  renewRateSeconds: number;
  rebalanceIntervalSeconds: number;
}

/** Floors from the relay-miner's config schema (config.miner.schema.yaml). */
export const relayMinerMinimums: MinerHaTimings = {
  leaderTtlSeconds: 5,
  heartbeatRateSeconds: 1,
  claimTtlSeconds: 15,
  renewRateSeconds: 1,
  rebalanceIntervalSeconds: 5,
};

/** What the relay-miner uses when the config sets nothing (its code defaults). */
export const relayMinerDefaults: MinerHaTimings = {
  leaderTtlSeconds: 30,
  heartbeatRateSeconds: 10,
  claimTtlSeconds: 90,
  renewRateSeconds: 10,
  rebalanceIntervalSeconds: 30,
};

/**
 * Timings for a chain with `blockTimeSeconds` blocks: leases last two blocks (a renewal may miss
 * one block's worth of time without the lease lapsing), retries run well inside them, and nothing
 * goes below the relay-miner's floors. The heartbeat stays under a quarter of the lock TTL (the
 * relay-miner warns above half).
 */
export function minerHaTimings(blockTimeSeconds: number): MinerHaTimings {
  const m = relayMinerMinimums;
  const leaderTtlSeconds = Math.max(m.leaderTtlSeconds, 2 * blockTimeSeconds);
  const claimTtlSeconds = Math.max(m.claimTtlSeconds, 2 * blockTimeSeconds);
  return {
    leaderTtlSeconds,
    heartbeatRateSeconds: Math.max(m.heartbeatRateSeconds, Math.floor(leaderTtlSeconds / 4)),
    claimTtlSeconds,
    renewRateSeconds: Math.max(m.renewRateSeconds, Math.floor(claimTtlSeconds / 4)),
    rebalanceIntervalSeconds: Math.max(m.rebalanceIntervalSeconds, blockTimeSeconds),
  };
}

/** Worst case from a leader's SIGKILL until a standby holds the leader lock. */
export const worstLeaderTakeoverSeconds = (t: MinerHaTimings): number => t.leaderTtlSeconds + t.heartbeatRateSeconds;

/** Worst case from a miner's SIGKILL until another miner holds its supplier leases. */
export const worstSupplierTakeoverSeconds = (t: MinerHaTimings): number => t.claimTtlSeconds + t.rebalanceIntervalSeconds;

/**
 * The failover budget a claim or proof window must absorb. The two take-overs run side by side in
 * the relay-miner, but they are added here: a standby that wins the lock first spends time becoming
 * leader (cache warm-up, subscriptions) before its supplier scan, and a sum is never too short.
 */
export const worstFailoverSeconds = (t: MinerHaTimings): number => worstLeaderTakeoverSeconds(t) + worstSupplierTakeoverSeconds(t);

/** A value the relay-miner would reject, by its miner config key. */
export interface TimingProblem {
  key: string;
  value: unknown;
  message: string;
}

/** Problems of a timing set the relay-miner would reject; empty when it is sound. */
export function haTimingProblems(t: MinerHaTimings): TimingProblem[] {
  const out: TimingProblem[] = [];
  const m = relayMinerMinimums;
  const named: [keyof MinerHaTimings, string][] = [
    ["leaderTtlSeconds", "leader_election.leader_ttl_seconds"],
    ["heartbeatRateSeconds", "leader_election.heartbeat_rate_seconds"],
    ["claimTtlSeconds", "supplier_claiming.claim_ttl_seconds"],
    ["renewRateSeconds", "supplier_claiming.renew_rate_seconds"],
    ["rebalanceIntervalSeconds", "supplier_claiming.rebalance_interval_seconds"],
  ];
  for (const [field, key] of named) {
    if (!Number.isInteger(t[field]) || t[field] < m[field]) out.push({ key, value: t[field], message: `the relay-miner allows integers from ${m[field]}` });
  }
  if (out.length > 0) return out;
  if (t.heartbeatRateSeconds >= t.leaderTtlSeconds) {
    out.push({ key: "leader_election.heartbeat_rate_seconds", value: t.heartbeatRateSeconds, message: `must be less than leader_ttl_seconds (${t.leaderTtlSeconds})` });
  }
  if (t.renewRateSeconds >= t.claimTtlSeconds) {
    out.push({ key: "supplier_claiming.renew_rate_seconds", value: t.renewRateSeconds, message: `must be less than claim_ttl_seconds (${t.claimTtlSeconds})` });
  }
  return out;
}
