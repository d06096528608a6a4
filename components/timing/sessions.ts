/**
 * The chain's session, claim and proof windows for a timing preset and block time, sized so a miner
 * crash at the worst moment (just as a claim or proof is due) still leaves the standby time to
 * take over and submit before the window closes.
 *
 * Heights, for a session ending at block E (the chain's rules):
 *   claim window  O = E + claim_open + 1  ..  C = O + claim_close
 *   proof window  P = C + proof_open      ..  P + proof_close      (settlement right after)
 */
import { defaultParams, type ModuleParams } from "../../genesis";
import { type MinerHaTimings, minerHaTimings, worstFailoverSeconds } from "./failover";

export const timingPresets = ["fast", "mainnet"] as const;
export type TimingPreset = (typeof timingPresets)[number];

/** Shared-module params this file decides, by the chain's own names. */
export type SessionTiming = Pick<
  ModuleParams["shared"],
  | "num_blocks_per_session"
  | "grace_period_end_offset_blocks"
  | "claim_window_open_offset_blocks"
  | "claim_window_close_offset_blocks"
  | "proof_window_open_offset_blocks"
  | "proof_window_close_offset_blocks"
  | "supplier_unbonding_period_sessions"
  | "application_unbonding_period_sessions"
>;

type Shape = Omit<SessionTiming, "supplier_unbonding_period_sessions" | "application_unbonding_period_sessions">;

/**
 * fast: the reference localnet's proportions (the genesis defaults: 10-block sessions, 8-block windows).
 * mainnet: mainnet's proportions (20-block sessions, a 10-block grace period, 10-block windows).
 * Window lengths are minimums; short block times stretch them to fit a failover.
 */
const reference = defaultParams().shared;
const shapes: Record<TimingPreset, Shape> = {
  fast: {
    num_blocks_per_session: reference.num_blocks_per_session,
    grace_period_end_offset_blocks: reference.grace_period_end_offset_blocks,
    claim_window_open_offset_blocks: reference.claim_window_open_offset_blocks,
    claim_window_close_offset_blocks: reference.claim_window_close_offset_blocks,
    proof_window_open_offset_blocks: reference.proof_window_open_offset_blocks,
    proof_window_close_offset_blocks: reference.proof_window_close_offset_blocks,
  },
  mainnet: {
    num_blocks_per_session: 20,
    grace_period_end_offset_blocks: 10,
    claim_window_open_offset_blocks: 11,
    claim_window_close_offset_blocks: 10,
    proof_window_open_offset_blocks: 1,
    proof_window_close_offset_blocks: 10,
  },
};

/**
 * The relay-miner starts a claim only while more than 2 blocks of the window remain, so the claim
 * must begin 3 blocks before the close; the same budget is kept for proofs.
 */
export const submitBlocks = 3;
/** A standby notices its new work on the next block event. */
export const noticeBlocks = 1;
/** Slack for a loaded machine (slow blocks, a slow tx). */
export const marginBlocks = 2;

/** Blocks a claim or proof window must span to absorb the worst failover and still submit. */
export function windowBlocksNeeded(blockTimeSeconds: number, ha: MinerHaTimings): number {
  return Math.ceil(worstFailoverSeconds(ha) / blockTimeSeconds) + noticeBlocks + submitBlocks + marginBlocks;
}

/** Blocks from a session's end until its proof window closes (the chain's unbonding rule uses it). */
export const blocksToProofWindowClose = (t: Shape): number =>
  t.claim_window_open_offset_blocks + t.claim_window_close_offset_blocks + t.proof_window_open_offset_blocks + t.proof_window_close_offset_blocks;

export function sessionTiming(preset: TimingPreset, blockTimeSeconds: number, ha: MinerHaTimings = minerHaTimings(blockTimeSeconds)): SessionTiming {
  const shape = shapes[preset];
  const needed = windowBlocksNeeded(blockTimeSeconds, ha);
  const windows: Shape = {
    ...shape,
    claim_window_close_offset_blocks: Math.max(shape.claim_window_close_offset_blocks, needed),
    proof_window_close_offset_blocks: Math.max(shape.proof_window_close_offset_blocks, needed),
  };
  // The chain requires unbonding (in blocks) to outlast a session's claim and proof windows.
  const minSessions = Math.ceil(blocksToProofWindowClose(windows) / windows.num_blocks_per_session);
  return {
    ...windows,
    // The reference localnet's unbonding periods, raised when the windows outgrow them.
    supplier_unbonding_period_sessions: Math.max(reference.supplier_unbonding_period_sessions, minSessions),
    application_unbonding_period_sessions: Math.max(reference.application_unbonding_period_sessions, minSessions),
  };
}

/**
 * Why a miner crash could lose a session with these windows and timings (empty when it cannot):
 * each window must be at least `windowBlocksNeeded` long.
 */
export function failoverFitProblems(windows: Shape, blockTimeSeconds: number, ha: MinerHaTimings): string[] {
  const needed = windowBlocksNeeded(blockTimeSeconds, ha);
  const failover = worstFailoverSeconds(ha);
  const explain =
    `a miner crash takes up to ${failover} s (${Math.ceil(failover / blockTimeSeconds)} blocks of ${blockTimeSeconds} s) to fail over, ` +
    `plus ${noticeBlocks + submitBlocks} blocks to submit and ${marginBlocks} of margin`;
  const out: string[] = [];
  for (const key of ["claim_window_close_offset_blocks", "proof_window_close_offset_blocks"] as const) {
    if (windows[key] < needed) out.push(`${key} = ${windows[key]} is too short: ${explain}; allowed: ${needed} or more`);
  }
  return out;
}
