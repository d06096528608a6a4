/**
 * Reads the relay-miner's HA state out of Redis into one plain snapshot (what `--json` prints).
 * Every list is sorted so two runs over the same data print the same thing.
 */
import { Cluster, type Redis } from "ioredis";
import type { Connection } from "./connect";
import { indexedSupplierOf, instanceOf, keys, leasedSupplierOf, sessionStateOf, streamSupplierOf } from "./keys";

export interface LeaderStatus {
  /** Instance id in the lock (`<hostname>-<pid>`). */
  holder: string;
  /** Milliseconds until the lock expires; null if it has no TTL. */
  ttlMs: number | null;
}

export interface MinerStatus {
  id: string;
  /** Listed in the active set `ha:miner:active`. */
  registered: boolean;
  /** Age of the last heartbeat; null when the heartbeat key is gone (a stale registration). */
  heartbeatAgeMs: number | null;
  heartbeatTtlMs: number | null;
  leader: boolean;
  /** Supplier leases this instance holds. */
  leases: number;
}

export interface LeaseStatus {
  supplier: string;
  owner: string;
  ttlMs: number | null;
}

export interface StreamStatus {
  supplier: string;
  length: number;
  /** The `ha-miners` consumer group; null until a miner has created it. */
  group: { pending: number; lag: number | null; consumers: number; lastDeliveredId: string } | null;
}

export interface SessionStatus {
  supplier: string;
  /** Session ids in the supplier's index. */
  total: number;
  byState: Record<string, number>;
}

export interface BlockEvent {
  height: number | null;
  hash?: string;
  timestamp?: string | number;
  /** The message as published when it is not the expected JSON. */
  raw?: string;
}

export interface StatusSnapshot {
  redis: { url: string; mode: "standalone" | "cluster" };
  leader: LeaderStatus | null;
  miners: MinerStatus[];
  leases: LeaseStatus[];
  streams: StreamStatus[];
  sessions: SessionStatus[];
  /** The first block event heard within `blockWaitMs`; null if none (no leader, or waiting was off). */
  latestBlock: BlockEvent | null;
  blockWaitMs: number;
}

type Client = Redis | Cluster;

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** PTTL as milliseconds left; null = no expiry; undefined = the key is gone. */
async function ttlOf(client: Client, key: string): Promise<number | null | undefined> {
  const ms = await client.pttl(key);
  return ms === -2 ? undefined : ms === -1 ? null : ms;
}

/** Turns Redis' flat `[k1, v1, k2, v2]` replies into an object. */
function pairs(reply: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

async function leaderOf(client: Client): Promise<LeaderStatus | null> {
  const [holder, ttl] = await Promise.all([client.get(keys.leaderLock), ttlOf(client, keys.leaderLock)]);
  return holder === null || ttl === undefined ? null : { holder, ttlMs: ttl };
}

async function leasesOf(conn: Connection): Promise<LeaseStatus[]> {
  const found = await conn.scan(keys.supplierLeasePattern, "string");
  const leases = await Promise.all(
    found.map(async (key) => {
      const supplier = leasedSupplierOf(key);
      const [owner, ttl] = await Promise.all([conn.client.get(key), ttlOf(conn.client, key)]);
      return supplier && owner !== null && ttl !== undefined ? { supplier, owner, ttlMs: ttl } : undefined;
    }),
  );
  return leases.filter((l): l is LeaseStatus => l !== undefined).sort(byKey((l) => l.supplier));
}

async function minersOf(conn: Connection, leader: LeaderStatus | null, leases: LeaseStatus[], now: number): Promise<MinerStatus[]> {
  const [registered, heartbeatKeys] = await Promise.all([conn.client.smembers(keys.activeSet), conn.scan(keys.instancePattern)]);
  const ids = new Set([...registered, ...heartbeatKeys.map(instanceOf).filter((id): id is string => id !== undefined)]);
  const miners = await Promise.all(
    [...ids].map(async (id) => {
      const [beat, ttl] = await Promise.all([conn.client.get(keys.instance(id)), ttlOf(conn.client, keys.instance(id))]);
      // The heartbeat holds unix nanoseconds; older builds may write seconds or ms, so scale by size.
      const n = beat === null ? NaN : Number(beat);
      const ms = n > 1e17 ? n / 1e6 : n > 1e14 ? n / 1e3 : n > 1e11 ? n : n * 1000;
      return {
        id,
        registered: registered.includes(id),
        heartbeatAgeMs: Number.isFinite(ms) ? Math.max(0, Math.round(now - ms)) : null,
        heartbeatTtlMs: ttl ?? null,
        leader: leader?.holder === id,
        leases: leases.filter((l) => l.owner === id).length,
      };
    }),
  );
  return miners.sort(byKey((m) => m.id));
}

async function streamsOf(conn: Connection): Promise<StreamStatus[]> {
  const found = await conn.scan(keys.relayStreamPattern, "stream");
  const streams = await Promise.all(
    found.map(async (key): Promise<StreamStatus | undefined> => {
      const supplier = streamSupplierOf(key);
      if (!supplier) return undefined;
      const [length, groups] = await Promise.all([conn.client.xlen(key), conn.client.xinfo("GROUPS", key) as Promise<unknown[]>]);
      const group = groups.map(pairs).find((g) => g.name === keys.relayConsumerGroup);
      return {
        supplier,
        length,
        group: group
          ? {
              pending: Number(group.pending ?? 0),
              // `lag` exists from Redis 7; it is null when Redis cannot tell.
              lag: group.lag === undefined || group.lag === null ? null : Number(group.lag),
              consumers: Number(group.consumers ?? 0),
              lastDeliveredId: String((group["last-delivered-id"] as string | undefined) ?? ""),
            }
          : null,
      };
    }),
  );
  return streams.filter((s): s is StreamStatus => s !== undefined).sort(byKey((s) => s.supplier));
}

async function sessionsOf(conn: Connection): Promise<SessionStatus[]> {
  const [indexKeys, stateKeys] = await Promise.all([conn.scan(keys.sessionIndexPattern, "set"), conn.scan(keys.sessionStatePattern, "set")]);
  const bySupplier = new Map<string, SessionStatus>();
  const entry = (supplier: string) => {
    let s = bySupplier.get(supplier);
    if (!s) bySupplier.set(supplier, (s = { supplier, total: 0, byState: {} }));
    return s;
  };
  await Promise.all([
    ...indexKeys.map(async (key) => {
      const supplier = indexedSupplierOf(key);
      if (supplier) entry(supplier).total = await conn.client.scard(key);
    }),
    ...stateKeys.map(async (key) => {
      const parsed = sessionStateOf(key);
      if (parsed) entry(parsed.supplier).byState[parsed.state] = await conn.client.scard(key);
    }),
  ]);
  return [...bySupplier.values()].map((s) => ({ ...s, byState: Object.fromEntries(Object.entries(s.byState).sort(byKey(([k]) => k))) })).sort(byKey((s) => s.supplier));
}

export function parseBlockEvent(message: string): BlockEvent {
  try {
    const v = JSON.parse(message) as Record<string, unknown>;
    if (v && typeof v === "object" && "height" in v) {
      const height = Number(v.height);
      return {
        height: Number.isFinite(height) ? height : null,
        ...(typeof v.hash === "string" ? { hash: v.hash } : {}),
        ...(typeof v.timestamp === "string" || typeof v.timestamp === "number" ? { timestamp: v.timestamp } : {}),
      };
    }
  } catch {
    // fall through: not JSON
  }
  const n = Number(message);
  return Number.isFinite(n) && message.trim() !== "" ? { height: n } : { height: null, raw: message };
}

/**
 * Waits up to `ms` for one message on the block events channel. There is no stored "latest
 * height" key: the leader only publishes, so listening is the way to see it.
 */
export async function waitForBlock(conn: Connection, ms: number): Promise<BlockEvent | null> {
  if (ms <= 0) return null;
  // Subscribing takes the connection over, so listen on a copy of it.
  const sub: Client = conn.client instanceof Cluster ? conn.client.duplicate() : conn.client.duplicate();
  sub.on("error", () => undefined);
  try {
    await sub.connect();
    return await new Promise<BlockEvent | null>((resolve, reject) => {
      const timer = setTimeout(() => resolve(null), ms);
      sub.on("message", (channel: string, message: string) => {
        if (channel !== keys.blockEventsChannel) return;
        clearTimeout(timer);
        resolve(parseBlockEvent(message));
      });
      sub.subscribe(keys.blockEventsChannel).catch((e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } finally {
    sub.disconnect();
  }
}

export async function collect(conn: Connection, opts: { url: string; mode: "standalone" | "cluster"; blockWaitMs: number; now?: () => number }): Promise<StatusSnapshot> {
  const block = waitForBlock(conn, opts.blockWaitMs);
  const [leader, leases, streams, sessions] = await Promise.all([leaderOf(conn.client), leasesOf(conn), streamsOf(conn), sessionsOf(conn)]);
  const miners = await minersOf(conn, leader, leases, (opts.now ?? Date.now)());
  return { redis: { url: opts.url, mode: opts.mode }, leader, miners, leases, streams, sessions, latestBlock: await block, blockWaitMs: opts.blockWaitMs };
}
