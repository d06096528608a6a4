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

export type NewJournalEntry = Omit<JournalEntry, "seq" | "time" | "worker">;

/** Flattens Node's header object (arrays joined) into plain strings. */
export function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export class Journal {
  private buf: Array<JournalEntry | undefined>;
  private next = 0;
  private seq = 0;

  constructor(
    readonly capacity: number,
    private readonly maxBodyBytes: number,
    private readonly enabled: boolean,
    private readonly worker?: number,
  ) {
    this.buf = new Array<JournalEntry | undefined>(enabled ? capacity : 0);
  }

  record(e: NewJournalEntry): void {
    if (!this.enabled) return;
    const body = e.body !== undefined && e.body.length > this.maxBodyBytes ? e.body.slice(0, this.maxBodyBytes) : e.body;
    this.buf[this.next] = { seq: ++this.seq, time: new Date().toISOString(), ...e, body, worker: this.worker };
    this.next = (this.next + 1) % this.capacity;
  }

  /** Matching entries, oldest first; `limit` keeps the newest ones. */
  query(f: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.buf.length; i++) {
      const e = this.buf[(this.next + i) % this.buf.length];
      if (e && matches(e, f)) out.push(e);
    }
    return f.limit !== undefined ? out.slice(Math.max(0, out.length - f.limit)) : out;
  }

  count(f: JournalFilter = {}): number {
    return this.query({ ...f, limit: undefined }).length;
  }

  reset(): void {
    this.buf = new Array<JournalEntry | undefined>(this.enabled ? this.capacity : 0);
    this.next = 0;
  }
}

export function matches(e: JournalEntry, f: JournalFilter): boolean {
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
