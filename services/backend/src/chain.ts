/**
 * A simulated chain. Heights and blocks are pure functions of (config, seed, time, offset), so every
 * replica and worker computes the same answers without talking to each other: in interval mode the
 * height follows the wall clock from a fixed genesis time (anvil's --block-time); in manual mode only
 * `advance`/`setHeight` move it (anvil's --no-mining + evm_mine), and the cluster primary broadcasts
 * the new state to its workers.
 */
import { createHash } from "node:crypto";
import type { BackendConfig } from "./config";

export type ChainConfig = BackendConfig["chain"];

/** What a primary sends its workers so they agree on the height. */
export interface ChainState {
  /** Blocks added (or removed) on top of the clock in interval mode. */
  offset: number;
  /** Height in manual mode. */
  manualHeight: number;
}

export interface BlockHeader {
  number: string;
  hash: string;
  parentHash: string;
  nonce: string;
  sha3Uncles: string;
  logsBloom: string;
  stateRoot: string;
  miner: string;
  difficulty: string;
  extraData: string;
  gasLimit: string;
  gasUsed: string;
  baseFeePerGas: string;
  timestamp: string;
}
export interface Block extends BlockHeader {
  size: string;
  totalDifficulty: string;
  transactions: string[];
  uncles: string[];
}

const hex = (n: number) => `0x${n.toString(16)}`;
const ZERO32 = `0x${"0".repeat(64)}`;
/** Max newHeads pushed for one jump, so advancing by a million does not flood subscribers. */
const MAX_EMIT = 100;

export class Chain {
  private readonly genesisMs: number;
  private offset = 0;
  private manualHeight: number;
  private listeners = new Set<(height: number) => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastEmitted: number;

  constructor(
    readonly cfg: ChainConfig,
    private readonly seed: number,
    private readonly now: () => number = Date.now,
  ) {
    this.genesisMs = Date.parse(cfg.genesis_time);
    this.manualHeight = cfg.start_height;
    this.lastEmitted = this.height();
  }

  height(): number {
    if (this.cfg.mode === "manual") return this.manualHeight;
    const elapsed = Math.max(0, this.now() - this.genesisMs);
    return Math.max(0, this.cfg.start_height + Math.floor(elapsed / this.cfg.block_time_ms) + this.offset);
  }

  advance(blocks = 1): number {
    if (this.cfg.mode === "manual") this.manualHeight = Math.max(0, this.manualHeight + blocks);
    else this.offset += blocks;
    this.emitUpTo(this.height());
    return this.height();
  }

  setHeight(height: number): number {
    return this.advance(height - this.height());
  }

  state(): ChainState {
    return { offset: this.offset, manualHeight: this.manualHeight };
  }

  applyState(s: ChainState): void {
    this.offset = s.offset;
    this.manualHeight = s.manualHeight;
    this.emitUpTo(this.height());
  }

  hash(n: number): string {
    if (n < 0) return ZERO32;
    return `0x${createHash("sha256").update(`demo-chain:${this.seed}:${n}`).digest("hex")}`;
  }

  /** Unix seconds of block n: genesis + n block times, so it never depends on when it was asked. */
  timestamp(n: number): number {
    return Math.floor((this.genesisMs + (n - this.cfg.start_height) * this.cfg.block_time_ms) / 1000);
  }

  header(n: number): BlockHeader {
    return {
      number: hex(n),
      hash: this.hash(n),
      parentHash: this.hash(n - 1),
      nonce: "0x0000000000000000",
      sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
      logsBloom: `0x${"0".repeat(512)}`,
      stateRoot: `0x${createHash("sha256").update(`state:${this.seed}:${n}`).digest("hex")}`,
      miner: `0x${"0".repeat(40)}`,
      difficulty: "0x0",
      extraData: "0x",
      gasLimit: "0x1c9c380",
      gasUsed: "0x0",
      baseFeePerGas: "0x7",
      timestamp: hex(this.timestamp(n)),
    };
  }

  /** The block at `n`, or null when it does not exist yet (as a real node answers). */
  block(n: number): Block | null {
    if (n < 0 || n > this.height()) return null;
    return { ...this.header(n), size: "0x220", totalDifficulty: "0x0", transactions: [], uncles: [] };
  }

  /** Resolves a JSON-RPC block tag or hex quantity; undefined for garbage. */
  resolveTag(tag: unknown): number | undefined {
    if (tag === "latest" || tag === "pending" || tag === "safe" || tag === "finalized" || tag === undefined) return this.height();
    if (tag === "earliest") return this.cfg.start_height;
    if (typeof tag === "string" && /^0x[0-9a-fA-F]+$/.test(tag)) return parseInt(tag, 16);
    if (typeof tag === "number" && Number.isInteger(tag) && tag >= 0) return tag;
    return undefined;
  }

  /** Calls `fn` for every new block; the clock timer only runs while someone listens. */
  onBlock(fn: (height: number) => void): () => void {
    this.listeners.add(fn);
    if (this.listeners.size === 1) {
      this.lastEmitted = this.height();
      this.schedule();
    }
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.cfg.mode !== "interval" || this.listeners.size === 0) return;
    const bt = this.cfg.block_time_ms;
    const elapsed = Math.max(0, this.now() - this.genesisMs);
    const wait = bt - (elapsed % bt) + 1;
    this.timer = setTimeout(() => {
      this.emitUpTo(this.height());
      this.schedule();
    }, wait);
    this.timer.unref();
  }

  private emitUpTo(height: number): void {
    if (height <= this.lastEmitted) {
      this.lastEmitted = height;
      return;
    }
    const from = Math.max(this.lastEmitted + 1, height - MAX_EMIT + 1);
    this.lastEmitted = height;
    for (let h = from; h <= height; h++) for (const fn of this.listeners) fn(h);
  }
}
