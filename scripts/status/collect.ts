/**
 * Reads the relay-miner's HA state out of Redis into one plain snapshot (what `--json` prints).
 * Every list is sorted so two runs over the same data print the same thing.
 */
import { Cluster, type Redis } from "ioredis";
import type { Connection } from "./connect";
import { consumerNameOfLeader } from "../../components/topology/names";
import { indexedSupplierOf, instanceOf, leasedSupplierOf, sessionStateOf, streamSupplierOf } from "./keys";
import { KeyReader, type KeyProblem } from "./read";

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
  /** Keys that could not be read (wrong type, refused, empty): the rest of the snapshot is still filled. */
  problems: KeyProblem[];
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

/** A string key with its TTL; null when missing or unreadable (the reader recorded why). */
async function stringWithTtl(r: KeyReader, client: Client, key: string, what: string): Promise<{ value: string; ttl: number | null } | null> {
  const got = await r.read(key, "string", what, () => Promise.all([client.get(key), ttlOf(client, key)]), [null, undefined] as const);
  const [value, ttl] = got;
  return value === null || ttl === undefined ? null : { value, ttl };
}

async function leaderOf(r: KeyReader, conn: Connection): Promise<LeaderStatus | null> {
  const { client, keys } = conn;
  const lock = await stringWithTtl(r, client, keys.leaderLock, "the leader lock");
  if (!lock) return null;
  if (lock.value.trim() === "") {
    r.note(keys.leaderLock, "holds an empty value, not a miner instance id");
    return null;
  }
  return { holder: lock.value, ttlMs: lock.ttl };
}

async function leasesOf(r: KeyReader, conn: Connection): Promise<LeaseStatus[]> {
  const keys = conn.keys;
  const found = await r.scan(keys.supplierLeasePattern, () => conn.scan(keys.supplierLeasePattern));
  const leases = await Promise.all(
    found.map(async (key) => {
      const supplier = leasedSupplierOf(key, keys);
      const lease = supplier ? await stringWithTtl(r, conn.client, key, "a supplier lease") : null;
      return supplier && lease ? { supplier, owner: lease.value, ttlMs: lease.ttl } : undefined;
    }),
  );
  return leases.filter((l): l is LeaseStatus => l !== undefined).sort(byKey((l) => l.supplier));
}

async function minersOf(r: KeyReader, conn: Connection, leader: LeaderStatus | null, leases: LeaseStatus[], now: number): Promise<MinerStatus[]> {
  const keys = conn.keys;
  const [registered, heartbeatKeys] = await Promise.all([
    r.read(keys.activeSet, "set", "the active miner set", () => conn.client.smembers(keys.activeSet), [] as string[]),
    r.scan(keys.instancePattern, () => conn.scan(keys.instancePattern)),
  ]);
  const ids = new Set([...registered, ...heartbeatKeys.map((k) => instanceOf(k, keys)).filter((id): id is string => id !== undefined)]);
  const miners = await Promise.all(
    [...ids].map(async (id) => {
      const beat = await stringWithTtl(r, conn.client, keys.instance(id), "a miner heartbeat");
      // The heartbeat holds unix nanoseconds; older builds may write seconds or ms, so scale by size.
      const n = beat === null ? NaN : Number(beat.value);
      const ms = n > 1e17 ? n / 1e6 : n > 1e14 ? n / 1e3 : n > 1e11 ? n : n * 1000;
      return {
        id,
        registered: registered.includes(id),
        heartbeatAgeMs: Number.isFinite(ms) ? Math.max(0, Math.round(now - ms)) : null,
        heartbeatTtlMs: beat?.ttl ?? null,
        leader: leader !== null && (leader.holder === id || consumerNameOfLeader(leader.holder) === id),
        leases: leases.filter((l) => l.owner === id).length,
      };
    }),
  );
  return miners.sort(byKey((m) => m.id));
}

async function streamsOf(r: KeyReader, conn: Connection): Promise<StreamStatus[]> {
  const keys = conn.keys;
  const found = await r.scan(keys.relayStreamPattern, () => conn.scan(keys.relayStreamPattern));
  const streams = await Promise.all(
    found.map(async (key): Promise<StreamStatus | undefined> => {
      const supplier = streamSupplierOf(key, keys);
      if (!supplier) return undefined;
      const read = () => Promise.all([conn.client.xlen(key), conn.client.xinfo("GROUPS", key) as Promise<unknown[]>]);
      const got = await r.read(key, "stream", "a relay stream", read, undefined);
      if (!got) return undefined;
      const [length, groups] = got;
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

async function sessionsOf(r: KeyReader, conn: Connection): Promise<SessionStatus[]> {
  const keys = conn.keys;
  const [indexKeys, stateKeys] = await Promise.all([
    r.scan(keys.sessionIndexPattern, () => conn.scan(keys.sessionIndexPattern)),
    r.scan(keys.sessionStatePattern, () => conn.scan(keys.sessionStatePattern)),
  ]);
  const bySupplier = new Map<string, SessionStatus>();
  const entry = (supplier: string) => {
    let s = bySupplier.get(supplier);
    if (!s) bySupplier.set(supplier, (s = { supplier, total: 0, byState: {} }));
    return s;
  };
  const count = (key: string, what: string) => r.read(key, "set", what, () => conn.client.scard(key), undefined);
  await Promise.all([
    ...indexKeys.map(async (key) => {
      const supplier = indexedSupplierOf(key, keys);
      const n = supplier ? await count(key, "a session index") : undefined;
      if (supplier && n !== undefined) entry(supplier).total = n;
    }),
    ...stateKeys.map(async (key) => {
      const parsed = sessionStateOf(key, keys);
      const n = parsed ? await count(key, "a session state set") : undefined;
      if (parsed && n !== undefined) entry(parsed.supplier).byState[parsed.state] = n;
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
  const keys = conn.keys;
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
  const r = new KeyReader(conn.client);
  const block = waitForBlock(conn, opts.blockWaitMs).catch((e: unknown) => {
    r.note(conn.keys.blockEventsChannel, `could not be subscribed to: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  const [leader, leases, streams, sessions] = await Promise.all([leaderOf(r, conn), leasesOf(r, conn), streamsOf(r, conn), sessionsOf(r, conn)]);
  const miners = await minersOf(r, conn, leader, leases, (opts.now ?? Date.now)());
  const latestBlock = await block;
  return { redis: { url: opts.url, mode: opts.mode }, problems: r.sorted(), leader, miners, leases, streams, sessions, latestBlock, blockWaitMs: opts.blockWaitMs };
}
