/**
 * Seeing a localnet recover: poll a probe until it reports the recovered state or a bound passes,
 * and say how long it took. The probes read Redis (the leader lock, supplier leases) and the chain;
 * the clock is injected so the timing logic is testable without waiting.
 */
import type { Connection } from "../status/connect";
import { keys, leasedSupplierOf } from "../status/keys";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** A state to wait for: `probe` returns a value once it holds, undefined before. */
export interface Watch<T> {
  what: string;
  probe: () => Promise<T | undefined>;
  describe?: (value: T) => string;
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

/** The instance id in the leader lock, or null. */
export const leaderHolder = (conn: Connection): Promise<string | null> => conn.client.get(keys.leaderLock);

/**
 * A miner is named twice in Redis: the leader lock holds `<hostname>-<pid>`, its supplier leases
 * (and the active set) hold its stream consumer name, `miner-<hostname>-<pid>` unless
 * `redis.consumer_name` is set in miner.config.
 */
export const leaseOwnerIdOf = (leaderId: string): string => `miner-${leaderId}`;

/** Supplier → owning instance id (consumer name), from the lease keys. */
export async function leaseOwners(conn: Connection): Promise<Map<string, string>> {
  const found = await conn.scan(keys.supplierLeasePattern, "string");
  const out = new Map<string, string>();
  await Promise.all(found.map(async (key) => {
    const supplier = leasedSupplierOf(key);
    const owner = await conn.client.get(key);
    if (supplier && owner !== null) out.set(supplier, owner);
  }));
  return out;
}

/** Some instance other than `previous` holds the leader lock. */
export const newLeader = (conn: Connection, previous: string | null): Watch<string> => ({
  what: "a new leader holds the lock",
  probe: async () => {
    const holder = await leaderHolder(conn);
    return holder !== null && holder !== previous ? holder : undefined;
  },
  describe: (h) => h,
});

/** Some instance holds the leader lock (after a Redis outage, for example). */
export const anyLeader = (conn: Connection): Watch<string> => ({
  what: "a miner holds the leader lock",
  probe: async () => (await leaderHolder(conn)) ?? undefined,
  describe: (h) => h,
});

/** Every one of `suppliers` is leased to a live instance, none to `dead`. */
export const leasesRetaken = (conn: Connection, suppliers: readonly string[], dead: string): Watch<Map<string, string>> => ({
  what: `the ${suppliers.length} supplier lease(s) of ${dead} are held by another miner`,
  probe: async () => {
    const owners = await leaseOwners(conn);
    const retaken = suppliers.every((s) => owners.has(s) && owners.get(s) !== dead);
    return retaken ? new Map(suppliers.map((s) => [s, owners.get(s)!])) : undefined;
  },
  describe: (m) => [...new Set(m.values())].sort().join(", "),
});

/** The chain makes blocks again: a height above `from`. */
export const heightAbove = (height: () => Promise<number>, from: number): Watch<number> => ({
  what: `the chain makes blocks (height above ${from})`,
  probe: async () => {
    const h = await height();
    return h > from ? h : undefined;
  },
  describe: (h) => `height ${h}`,
});
