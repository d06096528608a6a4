/**
 * One `verify` run: count what the relayers served (optionally after sending relays), wait until
 * the sessions those relays belong to have settled on chain, read the blocks, reconcile, and show
 * when each step happened and what the balances did.
 */
import { blockTimeMs, latestBlock, relayEventsBetween } from "../../services/chain-exporter/chain-events";
import type { VerifyArgs } from "./args";
import { applicationStakeAt, balanceAt, sendStartHeight, sessionEndOf, sessionWindows, settlementHeightOf, type SessionWindows } from "./chain";
import type { VerifyEndpoints } from "./endpoints";
import { scrapeRelayers, scrapeSettled, servedBetween, type ServedCounts } from "./metrics";
import { reconcile, type Reconciliation } from "./reconcile";
import { relayClientArgs, sendRelays, type SendResult } from "./send";

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface SessionTimeline {
  supplier: string;
  service: string;
  sessionEndHeight: number;
  /** Seconds after the session's last block. */
  claimedAfterS?: number;
  provedAfterS?: number;
  settledAfterS?: number;
}

export interface BalanceChange {
  account: string;
  role: "supplier" | "application stake";
  before: bigint;
  after: bigint;
}

export interface VerifyReport {
  chain: { id: string; height: number };
  scope: { fromHeight: number; toHeight: number; firstSessionEnd: number; lastSessionEnd: number };
  send?: SendResult;
  waitedSeconds: number;
  reconciliation: Reconciliation;
  timeline: SessionTimeline[];
  balances: BalanceChange[];
}

export interface VerifyOptions {
  relayClient?: string;
  clock?: Clock;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
}

/** The first height whose block was made at or after `timeMs` (binary search over block headers). */
async function heightAt(rpc: string, timeMs: number, latest: number): Promise<number> {
  let lo = 1;
  let hi = latest;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await blockTimeMs(rpc, mid)) < timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function waitForHeight(rpc: string, target: number, deadline: number, clock: Clock, progress: (l: string) => void): Promise<number> {
  let last = -1;
  for (;;) {
    const { height } = await latestBlock(rpc);
    if (height >= target) return height;
    if (height !== last && (last === -1 || height % 5 === 0)) progress(`waiting for height ${target} (sessions settle there); chain at ${height}`);
    last = height;
    if (clock.now() >= deadline) return height;
    await clock.sleep(1000);
  }
}

async function timelineOf(rpc: string, r: Reconciliation): Promise<SessionTimeline[]> {
  const times = new Map<number, number>();
  const timeOf = async (h: number) => {
    if (!times.has(h)) times.set(h, await blockTimeMs(rpc, h));
    return times.get(h)!;
  };
  const after = async (h: number | undefined, end: number) => (h === undefined ? undefined : Math.round(((await timeOf(h)) - (await timeOf(end))) / 100) / 10);
  return Promise.all(
    r.sessions.map(async (s) => ({
      supplier: s.supplier,
      service: s.service,
      sessionEndHeight: s.sessionEndHeight,
      claimedAfterS: await after(s.claimHeight, s.sessionEndHeight),
      provedAfterS: await after(s.proofHeight, s.sessionEndHeight),
      settledAfterS: await after(s.settledHeight ?? s.expired?.height, s.sessionEndHeight),
    })),
  );
}

async function balancesOf(rest: string, r: Reconciliation, before: number, after: number, notes: string[]): Promise<BalanceChange[]> {
  const suppliers = [...new Set(r.sessions.map((s) => s.supplier))].sort();
  const apps = [...new Set(r.sessions.map((s) => s.application))].sort();
  try {
    return [
      ...(await Promise.all(
        suppliers.map(async (a) => ({ account: a, role: "supplier" as const, before: await balanceAt(rest, a, before), after: await balanceAt(rest, a, after) })),
      )),
      ...(await Promise.all(
        apps.map(async (a) => ({
          account: a,
          role: "application stake" as const,
          before: await applicationStakeAt(rest, a, before),
          after: await applicationStakeAt(rest, a, after),
        })),
      )),
    ];
  } catch (e) {
    notes.push(`balances not read: ${(e as Error).message}`);
    return [];
  }
}

export interface SettleOptions extends VerifyOptions {
  timeoutSeconds: number;
}

/**
 * Waits until every session that can hold a relay served between `fromHeight` and `lastHeight` has
 * settled (bounded by the timeout), then reconciles `served` with the blocks.
 */
export async function settleAndReconcile(
  endpoints: VerifyEndpoints,
  served: ServedCounts,
  heights: { fromHeight: number; lastHeight: number },
  opts: SettleOptions,
): Promise<Omit<VerifyReport, "send">> {
  const clock = opts.clock ?? realClock;
  const progress = opts.progress ?? (() => undefined);
  const started = clock.now();
  const windows: SessionWindows = await sessionWindows(endpoints.rest);
  // A relay at the start of a session may still belong to the previous one (grace period).
  const firstSessionEnd = sessionEndOf(windows, Math.max(1, heights.fromHeight - windows.gracePeriodEndOffset));
  const lastSessionEnd = sessionEndOf(windows, heights.lastHeight);
  const toHeight = settlementHeightOf(windows, lastSessionEnd);
  const reached = await waitForHeight(endpoints.rpc, toHeight, started + opts.timeoutSeconds * 1000, clock, progress);
  const end = Math.min(reached, toHeight);

  const scanFrom = Math.max(1, firstSessionEnd - windows.numBlocksPerSession + 1);
  progress(`reading blocks ${scanFrom}..${end}`);
  const events = await relayEventsBetween(endpoints.rpc, scanFrom, end);
  const reconciliation = reconcile(served, events, { firstSessionEnd, lastSessionEnd });
  if (reached < toHeight) {
    reconciliation.problems.unshift(`not settled within ${opts.timeoutSeconds} s: the chain is at height ${reached}, the last session in question settles at ${toHeight}`);
    reconciliation.ok = false;
  }
  const { chainId } = await latestBlock(endpoints.rpc);
  return {
    chain: { id: chainId, height: reached },
    scope: { fromHeight: heights.fromHeight, toHeight, firstSessionEnd, lastSessionEnd },
    waitedSeconds: Math.round((clock.now() - started) / 1000),
    reconciliation,
    timeline: await timelineOf(endpoints.rpc, reconciliation),
    balances: await balancesOf(endpoints.rest, reconciliation, Math.max(1, scanFrom - 1), end, reconciliation.notes),
  };
}

/**
 * The command: with --send, the relays it sent (counter deltas) and their sessions; without, all
 * the relayers counted since they started and every session since then.
 */
export async function runVerify(args: VerifyArgs, endpoints: VerifyEndpoints, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const progress = opts.progress ?? (() => undefined);
  const head = await latestBlock(endpoints.rpc);
  const before = await scrapeRelayers(endpoints.relayerMetrics);
  if (args.send === 0) {
    const fromHeight = Number.isFinite(before.oldestStartMs) ? await heightAt(endpoints.rpc, before.oldestStartMs, head.height) : 1;
    return settleAndReconcile(endpoints, before.served, { fromHeight, lastHeight: head.height }, { ...opts, timeoutSeconds: args.timeoutSeconds });
  }
  const clientArgs = relayClientArgs(endpoints, { count: args.send, service: args.service, mode: args.mode, chainId: head.chainId });
  const startAt = sendStartHeight(await sessionWindows(endpoints.rest), head.height);
  if (startAt > head.height) {
    progress(`waiting for height ${startAt} (a new session) so the ${args.send} relays fit in one session`);
    const clock = opts.clock ?? realClock;
    await waitForHeight(endpoints.rpc, startAt, clock.now() + args.timeoutSeconds * 1000, clock, () => undefined);
  }
  progress(`sending ${args.send} ${args.mode} relays for ${args.service}`);
  const send = sendRelays(opts.relayClient ?? "pocket-relay-miner", clientArgs, args.send);
  const served = servedBetween(before.served, (await scrapeSettled(endpoints.relayerMetrics, (opts.clock ?? realClock).sleep)).served);
  const lastHeight = (await latestBlock(endpoints.rpc)).height;
  const report = await settleAndReconcile(endpoints, served, { fromHeight: startAt, lastHeight }, { ...opts, timeoutSeconds: args.timeoutSeconds });
  if (send.succeeded < args.send) {
    report.reconciliation.problems.unshift(`the relay client served ${send.succeeded} of ${args.send} relays (exit ${send.exitCode}): ${send.tail.split("\n").pop()}`);
    report.reconciliation.ok = false;
  }
  return { ...report, send };
}
