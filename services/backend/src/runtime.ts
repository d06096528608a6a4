/**
 * Everything one serving process holds: config, the mutable settings the admin API changes, the
 * fault engine, the chain, the journal and the metrics. Handlers receive it explicitly (no globals),
 * so tests can run several independent backends in one process.
 */
import { Chain } from "./chain";
import type { BackendConfig, LegacySettings } from "./config";
import { FaultEngine, LocalCounter, type SequenceCounter } from "./faults";
import { Journal } from "./journal";
import { createLogger, type Logger } from "./log";
import { Metrics } from "./metrics";
import { createRng, randomSeed, type Rng } from "./rng";

export interface Runtime {
  readonly config: BackendConfig;
  readonly backendId: string;
  settings: LegacySettings;
  /** `x` * fat_payload_bytes, built once per settings change rather than per request. */
  filler: string | undefined;
  rng: Rng;
  readonly faults: FaultEngine;
  readonly chain: Chain;
  readonly journal: Journal;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Set on SIGTERM: /ready turns 503 and new streams are refused. */
  draining: boolean;
  /** Stop functions of open streams and sockets, called when draining. */
  readonly streams: Set<() => void>;
}

export interface RuntimeOptions {
  counter?: SequenceCounter;
  /** Cluster worker id; offsets the seed so workers do not replay each other's draws. */
  worker?: number;
  log?: Logger;
}

export function settingsOf(c: BackendConfig): LegacySettings {
  return {
    error_rate: c.error_rate,
    error_codes: [...c.error_codes],
    error_code: c.error_code,
    delay_ms: c.delay_ms,
    broken_compression: c.broken_compression,
    fat_payload_bytes: c.fat_payload_bytes,
  };
}

export function createRuntime(config: BackendConfig, opts: RuntimeOptions = {}): Runtime {
  const seed = config.seed ?? randomSeed();
  const rng = createRng((seed + (opts.worker ? opts.worker - 1 : 0)) >>> 0);
  const log = opts.log ?? createLogger(config.log_level, opts.worker ? { worker: opts.worker } : {});
  const rt: Runtime = {
    config,
    backendId: config.backend_id,
    settings: settingsOf(config),
    filler: undefined,
    rng,
    faults: new FaultEngine(config.faults, rng, opts.counter ?? new LocalCounter()),
    // The chain seed defaults to 0, not random: replicas must agree on hashes without a seed.
    chain: new Chain(config.chain, config.seed ?? 0),
    journal: new Journal(config.journal.capacity, config.journal.max_body_bytes, config.journal.enabled, opts.worker),
    metrics: new Metrics(),
    log,
    draining: false,
    streams: new Set(),
  };
  applySettings(rt, rt.settings);
  return rt;
}

export function applySettings(rt: Runtime, s: LegacySettings): void {
  rt.settings = s;
  rt.filler = s.fat_payload_bytes > 0 ? "x".repeat(s.fat_payload_bytes) : undefined;
}

/** Re-seeds fault/latency sampling (admin API), so a test can start a replayable sequence. */
export function reseed(rt: Runtime, seed: number, worker?: number): void {
  const fresh = createRng((seed + (worker ? worker - 1 : 0)) >>> 0);
  // The fault engine holds the Rng object; swap its state in place by delegating.
  rt.rng.next = fresh.next.bind(fresh);
  (rt.rng as { seed: number }).seed = seed;
}
