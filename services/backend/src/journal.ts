/**
 * A bounded, in-memory request journal (WireMock/MockServer style): tests read back exactly what a
 * relayer forwarded, Pocket-* headers included. A ring buffer keeps memory flat under load.
 */
import type { Protocol } from "./config";

export interface JournalEntry {
  /** Monotonic per process; `since` in queries pages on it. */
  seq: number;
  time: string;
  protocol: Protocol | "echo";
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** HTTP status or gRPC status code; absent when the connection was dropped on purpose. */
  status?: number;
  /** Action type of the injected fault, `none` otherwise. */
  fault: string;
  /** Rule name when a rule fired. */
  rule?: string;
  /** Worker id in cluster mode. */
  worker?: number;
}

export interface JournalFilter {
  protocol?: string;
  method?: string;
  path?: string;
  /** Value of the Pocket-Service header. */
  service?: string;
  supplier?: string;
  application?: string;
  fault?: string;
  since?: number;
  limit?: number;
}

const MAX_NAME_LENGTH = 256;

/** A new entry; `body` may be the raw bytes (converted only up to the journal's limit). */
export type NewJournalEntry = Omit<JournalEntry, "seq" | "time" | "worker" | "body"> & { body?: string | Buffer };

/** Flattens Node's header object (arrays joined) into plain strings. */
export function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/**
 * The first `maxBytes` of a client value as a string of its own. A plain `slice` of a string can
 * keep the whole original alive, so a ring of 1000 entries could pin 1000 megabyte bodies.
 */
export function clipped(value: string | Buffer, maxBytes: number): string {
  if (typeof value === "string") {
    if (value.length <= maxBytes) return value;
    value = Buffer.from(value.slice(0, maxBytes), "utf8");
  }
  return value.toString("utf8", 0, Math.min(value.length, maxBytes));
}

/** What the ring holds: the time as a number, turned into ISO text only when queried. */
type Stored = Omit<JournalEntry, "time"> & { timeMs: number };

export class Journal {
  private buf: Array<Stored | undefined>;
  private next = 0;
  private seq = 0;

  constructor(
    readonly capacity: number,
    private readonly maxBodyBytes: number,
    private readonly enabled: boolean,
    private readonly worker?: number,
  ) {
    this.buf = new Array<Stored | undefined>(enabled ? capacity : 0);
  }

  record(e: NewJournalEntry): void {
    if (!this.enabled) return;
    // Method and path come from clients too, so they are bounded like the body.
    const stored: Stored = {
      seq: ++this.seq,
      timeMs: Date.now(),
      protocol: e.protocol,
      method: clipped(e.method, MAX_NAME_LENGTH),
      path: clipped(e.path, MAX_NAME_LENGTH),
      headers: e.headers,
      fault: e.fault,
    };
    if (e.body !== undefined) stored.body = clipped(e.body, this.maxBodyBytes);
    if (e.status !== undefined) stored.status = e.status;
    if (e.rule !== undefined) stored.rule = e.rule;
    if (this.worker !== undefined) stored.worker = this.worker;
    this.buf[this.next] = stored;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Matching entries, oldest first; `limit` keeps the newest ones. */
  query(f: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.buf.length; i++) {
      const e = this.buf[(this.next + i) % this.buf.length];
      if (e && matches(e, f)) {
        const { timeMs, ...rest } = e;
        out.push({ ...rest, time: new Date(timeMs).toISOString() });
      }
    }
    return f.limit !== undefined ? out.slice(Math.max(0, out.length - f.limit)) : out;
  }

  count(f: JournalFilter = {}): number {
    return this.query({ ...f, limit: undefined }).length;
  }

  reset(): void {
    this.buf = new Array<Stored | undefined>(this.enabled ? this.capacity : 0);
    this.next = 0;
  }
}

export function matches(e: Omit<JournalEntry, "time">, f: JournalFilter): boolean {
  return (
    (f.protocol === undefined || e.protocol === f.protocol) &&
    (f.method === undefined || e.method === f.method) &&
    (f.path === undefined || e.path === f.path) &&
    (f.fault === undefined || e.fault === f.fault) &&
    (f.service === undefined || e.headers["pocket-service"] === f.service) &&
    (f.supplier === undefined || e.headers["pocket-supplier"] === f.supplier) &&
    (f.application === undefined || e.headers["pocket-application"] === f.application) &&
    (f.since === undefined || e.seq > f.since)
  );
}
