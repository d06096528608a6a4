/**
 * Seeing a localnet recover: poll a probe until it reports the recovered state or a bound passes,
 * and say how long it took. The probes read Redis (the leader lock, supplier leases) and the chain;
 * the clock is injected so the timing logic is testable without waiting.
 */
import type { RelayMinerRedisKeys } from "../../components/topology/names";
import type { Connection } from "../status/connect";
import { leasedSupplierOf } from "../status/keys";

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** A state to wait for: `probe` returns a value once it holds, undefined before. */
export interface Watch<T> {
  what: string;
  probe: () => Promise<T | undefined>;
  /** Method syntax on purpose: watches of different value types share one list. */
  describe?(value: T): string;
}

export interface Observed {
  what: string;
  ok: boolean;
  /** From the start of the wait (or `since`) to the first probe that saw the state. */
  afterMs: number;
  detail: string;
}

export interface WaitOptions {
  clock: Clock;
  /** Give up after this long. */
  boundMs: number;
  intervalMs?: number;
  /** Count from this time (e.g. the moment of the fault) instead of from the call. */
  since?: number;
}

export async function awaitRecovery<T>(w: Watch<T>, o: WaitOptions): Promise<Observed & { value?: T }> {
  const since = o.since ?? o.clock.now();
  const deadline = since + o.boundMs;
  let lastError = "";
  for (;;) {
    try {
      const v = await w.probe();
      if (v !== undefined) return { what: w.what, ok: true, afterMs: o.clock.now() - since, detail: w.describe?.(v) ?? String(v), value: v };
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (o.clock.now() >= deadline) {
      return { what: w.what, ok: false, afterMs: o.clock.now() - since, detail: `not within ${Math.round(o.boundMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ""}` };
    }
    await o.clock.sleep(Math.min(o.intervalMs ?? 250, Math.max(1, deadline - o.clock.now())));
  }
}

/**
 * The few Redis reads recovery needs, over a client (the forward) or `redis-cli` in a Redis pod
 * (a cluster's node addresses are pod IPs the host cannot reach).
 */
export interface KeyReader {
  keys: RelayMinerRedisKeys;
  get: (key: string) => Promise<string | null>;
  /** Milliseconds to expiry; -1 no expiry, -2 no key. */
  pttl: (key: string) => Promise<number>;
  scan: (pattern: string) => Promise<string[]>;
}

export const readerOf = (conn: Connection): KeyReader => ({
  keys: conn.keys,
  get: (k) => conn.client.get(k),
  pttl: (k) => conn.client.pttl(k),
  scan: (p) => conn.scan(p),
});

/** The instance id in the leader lock, or null. */
export const leaderHolder = (r: KeyReader): Promise<string | null> => r.get(r.keys.leaderLock);

/** Supplier → owning instance id (consumer name), from the lease keys. */
export async function leaseOwners(r: KeyReader): Promise<Map<string, string>> {
  const found = await r.scan(r.keys.supplierLeasePattern);
  const out = new Map<string, string>();
  await Promise.all(
    found.map(async (key) => {
      const supplier = leasedSupplierOf(key, r.keys);
      const owner = await r.get(key);
      if (supplier && owner !== null) out.set(supplier, owner);
    }),
  );
  return out;
}

/** Some instance other than `previous` holds the leader lock. */
export const newLeader = (r: KeyReader, previous: string | null): Watch<string> => ({
  what: "a new leader holds the lock",
  probe: async () => {
    const holder = await leaderHolder(r);
    return holder !== null && holder !== previous ? holder : undefined;
  },
  describe: (h) => h,
});

/** The lock as seen just before a fault. */
export interface LockBefore {
  holder: string | null;
  pttlMs: number;
  at: number;
}

export async function lockNow(r: KeyReader, clock: Clock): Promise<LockBefore> {
  const [holder, pttlMs] = await Promise.all([leaderHolder(r), r.pttl(r.keys.leaderLock)]);
  return { holder, pttlMs, at: clock.now() };
}

/**
 * A live process holds the lock after a fault: another holder, or the lock set again (its TTL went
 * up instead of running down). The second case covers a miner pod that restarts under the same
 * instance id (same pod name, same PID in its container) and takes the lock back.
 */
export const leaderRecovered = (r: KeyReader, clock: Clock, before: LockBefore, toleranceMs = 500): Watch<string> => ({
  what: "a live miner holds the leader lock",
  probe: async () => {
    const holder = await leaderHolder(r);
    if (holder === null) return undefined;
    if (holder !== before.holder) return holder;
    const runningDown = before.pttlMs - (clock.now() - before.at);
    return (await r.pttl(r.keys.leaderLock)) > runningDown + toleranceMs ? holder : undefined;
  },
  describe: (h) => h,
});

/** Every one of `suppliers` is leased to a live instance, none to `dead`. */
export const leasesRetaken = (r: KeyReader, suppliers: readonly string[], dead: string): Watch<Map<string, string>> => ({
  what: `the ${suppliers.length} supplier lease(s) of ${dead} are held by another miner`,
  probe: async () => {
    const owners = await leaseOwners(r);
    const retaken = suppliers.every((s) => owners.has(s) && owners.get(s) !== dead);
    return retaken ? new Map(suppliers.map((s) => [s, owners.get(s)!])) : undefined;
  },
  describe: (m) => [...new Set(m.values())].sort().join(", "),
});

/** A miner heartbeat (unix nanoseconds, as the relay-miner writes it) as epoch milliseconds. */
const heartbeatMs = (value: string | null) => (value !== null && /^\d+$/.test(value) ? Number(BigInt(value) / 1_000_000n) : undefined);

/**
 * Every one of `suppliers` is leased to an instance that sent a heartbeat after `since`: the work
 * is in live hands, whether a standby took it or the crashed pod came back under its old name.
 */
export const leasesLive = (r: KeyReader, suppliers: readonly string[], since: number): Watch<Map<string, string>> => ({
  what: `the ${suppliers.length} supplier lease(s) are held by live miners`,
  probe: async () => {
    const owners = await leaseOwners(r);
    if (!suppliers.every((s) => owners.has(s))) return undefined;
    const live = await Promise.all([...new Set(suppliers.map((s) => owners.get(s)!))].map(async (o) => [o, (heartbeatMs(await r.get(r.keys.instance(o))) ?? 0) > since] as const));
    return live.every(([, ok]) => ok) ? new Map(suppliers.map((s) => [s, owners.get(s)!])) : undefined;
  },
  describe: (m) => [...new Set(m.values())].sort().join(", "),
});

/** The chain makes blocks: a height above `from`. */
export const heightAbove = (height: () => Promise<number>, from: number): Watch<number> => ({
  what: `the chain makes blocks (height above ${from})`,
  probe: async () => {
    const h = await height();
    return h > from ? h : undefined;
  },
  describe: (h) => `height ${h}`,
});

/** The chain moves: a height above the first one this watch reads (after a restart, from zero). */
export function heightMoving(height: () => Promise<number>): Watch<number> {
  let first: number | undefined;
  return {
    what: "the chain makes blocks",
    probe: async () => {
      const h = await height();
      if (first === undefined) first = h;
      return h > first ? h : undefined;
    },
    describe: (h) => `height ${first} → ${h}`,
  };
}
