/**
 * Runtime control operations (what the admin API can do), as plain messages so the same code
 * serves one process (applied directly) and a cluster (sent by the primary to every worker).
 */
import type { ChainState } from "./chain";
import type { FaultRule, LegacySettings } from "./config";
import type { JournalEntry, JournalFilter } from "./journal";
import { applySettings, reseed, type Runtime } from "./runtime";

export type ControlOp =
  | { op: "rules"; rules: FaultRule[] }
  | { op: "settings"; settings: LegacySettings }
  | { op: "seed"; seed: number }
  | { op: "chain"; state: ChainState }
  | { op: "sequences-reset" }
  | { op: "journal-query"; filter: JournalFilter }
  | { op: "journal-reset" };

/** Applies one op to a serving runtime; returns journal entries for queries. */
export function applyOp(rt: Runtime, op: ControlOp, worker?: number): JournalEntry[] | undefined {
  switch (op.op) {
    case "rules":
      rt.faults.setRules(op.rules);
      return undefined;
    case "settings":
      applySettings(rt, op.settings);
      return undefined;
    case "seed":
      reseed(rt, op.seed, worker);
      return undefined;
    case "chain":
      rt.chain.applyState(op.state);
      rt.metrics.chainHeight.set(rt.chain.height());
      return undefined;
    case "sequences-reset":
      // Re-setting the same rules resets their `first` counters.
      rt.faults.setRules(rt.faults.rules());
      return undefined;
    case "journal-query":
      return rt.journal.query({ ...op.filter, limit: undefined });
    case "journal-reset":
      rt.journal.reset();
      return undefined;
  }
}

export interface ChainInfo {
  height: number;
  mode: "interval" | "manual";
  block_time_ms: number;
}

export interface Control {
  backendId(): string;
  rules(): FaultRule[];
  settings(): LegacySettings;
  seed(): number | null;
  chain(): ChainInfo;
  apply(op: Exclude<ControlOp, { op: "journal-query" }>): Promise<void>;
  /** Advances (or with `absolute`, sets) the chain; resolves the new height. */
  moveChain(blocks: number, absolute?: boolean): Promise<number>;
  journal(filter: JournalFilter): Promise<JournalEntry[]>;
}

/** Limits and orders merged journal entries (oldest first, newest `limit` kept). */
export function finishJournal(entries: JournalEntry[], filter: JournalFilter): JournalEntry[] {
  entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.worker ?? 0) - (b.worker ?? 0) || a.seq - b.seq));
  return filter.limit !== undefined ? entries.slice(Math.max(0, entries.length - filter.limit)) : entries;
}

/** Control of the runtime in this process (workers: 1, and tests). */
export class LocalControl implements Control {
  private currentSeed: number | null;
  constructor(private readonly rt: Runtime) {
    this.currentSeed = rt.config.seed;
  }
  backendId() {
    return this.rt.backendId;
  }
  rules() {
    return this.rt.faults.rules();
  }
  settings() {
    return this.rt.settings;
  }
  seed() {
    return this.currentSeed;
  }
  chain(): ChainInfo {
    return { height: this.rt.chain.height(), mode: this.rt.config.chain.mode, block_time_ms: this.rt.config.chain.block_time_ms };
  }
  async apply(op: Exclude<ControlOp, { op: "journal-query" }>): Promise<void> {
    if (op.op === "seed") this.currentSeed = op.seed;
    applyOp(this.rt, op);
  }
  async moveChain(blocks: number, absolute = false): Promise<number> {
    const h = absolute ? this.rt.chain.setHeight(blocks) : this.rt.chain.advance(blocks);
    this.rt.metrics.chainHeight.set(h);
    return h;
  }
  async journal(filter: JournalFilter): Promise<JournalEntry[]> {
    return finishJournal(this.rt.journal.query({ ...filter, limit: undefined }), filter);
  }
}
