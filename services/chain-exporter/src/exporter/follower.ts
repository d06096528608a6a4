/**
 * Follows the chain: each tick reads the blocks made since the last one (a bounded batch, so a
 * long backlog is caught up over several ticks and a scrape never waits for it), feeds their
 * relay-path events to the metrics in height order, then reads stakes and balances. A failed
 * read leaves the position where it was, so the same blocks are read again next tick and nothing
 * is counted twice or skipped.
 */
import type { RelayEvent } from "../chain-events";
import type { ChainMetrics, StakeSnapshot } from "./chain-metrics";

/** What the follower reads from the node (the real readers, or fakes in tests). */
export interface ChainSource {
  latestHeight(): Promise<number>;
  /** Relay-path events of heights from..to (inclusive), in height order. */
  eventsBetween(from: number, to: number): Promise<RelayEvent[]>;
  /** Stakes and balances now, or as of `height`. */
  stakes(height?: number): Promise<StakeSnapshot>;
}

export interface FollowerOptions {
  /** First height to read. */
  fromHeight: number;
  /** Most blocks read in one tick. */
  maxBlocksPerTick: number;
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

export interface TickResult {
  /** Blocks read in this tick. */
  blocks: number;
  events: number;
  ok: boolean;
}

export class ChainFollower {
  /** Next height to read. */
  private next: number;
  private stakesOk = false;
  private everOk = false;
  private startRead = false;

  constructor(
    private readonly source: ChainSource,
    private readonly metrics: ChainMetrics,
    private readonly opts: FollowerOptions,
  ) {
    this.next = opts.fromHeight;
  }

  /** True once the node has been read successfully (blocks and stakes). */
  get ready(): boolean {
    return this.everOk;
  }

  get nextHeight(): number {
    return this.next;
  }

  /**
   * Stakes as of the first block read, once, so "change since then" is exact. A node that no
   * longer holds that state (pruned) answers an error: then the first read now is the baseline.
   */
  private async readStart(now: StakeSnapshot): Promise<void> {
    let start = now;
    try {
      start = await this.source.stakes(this.opts.fromHeight);
    } catch (e) {
      this.opts.log?.("warn", "stakes at the first block are not available; changes count from now", { height: this.opts.fromHeight, error: (e as Error).message });
    }
    this.metrics.recordStartStakes(start);
    this.startRead = true;
  }

  async tick(): Promise<TickResult> {
    const m = this.metrics;
    let blocks = 0;
    let events = 0;
    let ok = true;
    try {
      const latest = await this.source.latestHeight();
      if (latest < this.next - 1) {
        // A chain started again from genesis (the validator lost its state): follow the new one.
        this.opts.log?.("warn", "the chain is behind what was read: it started again; reading from its first block", { latest, read: this.next - 1 });
        this.next = Math.min(this.opts.fromHeight, latest + 1);
      }
      const to = Math.min(latest, this.next + this.opts.maxBlocksPerTick - 1);
      if (to >= this.next) {
        const evs = await this.source.eventsBetween(this.next, to);
        for (const e of evs) m.record(e);
        blocks = to - this.next + 1;
        events = evs.length;
        m.blocksRead.inc({}, blocks);
        m.height.set({}, to);
        this.next = to + 1;
      }
    } catch (e) {
      ok = false;
      m.readErrors.inc({ what: "blocks" });
      this.opts.log?.("warn", "reading blocks failed", { error: (e as Error).message, next_height: this.next });
    }
    try {
      const now = await this.source.stakes();
      if (!this.startRead) await this.readStart(now);
      m.recordStakes(now);
      this.stakesOk = true;
    } catch (e) {
      ok = false;
      this.stakesOk = false;
      m.readErrors.inc({ what: "stakes" });
      this.opts.log?.("warn", "reading stakes failed", { error: (e as Error).message });
    }
    m.up.set({}, ok && this.stakesOk ? 1 : 0);
    if (ok) this.everOk = true;
    return { blocks, events, ok };
  }
}
