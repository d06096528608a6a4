/**
 * Multi-core mode (node:cluster). The primary owns the admin and metrics ports and the shared state
 * (rules, settings, seed, chain, `first` counters); workers serve HTTP/WS/streams/gRPC on shared
 * listening sockets. Admin writes are broadcast to every worker and acknowledged before the admin
 * call returns, so "set a rule, then send traffic" has no race. Journals stay in the workers (no IPC
 * per request) and are gathered on query. Metrics are summed by prom-client's AggregatorRegistry.
 */
import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:http";
import { AggregatorRegistry } from "prom-client";
import { createAdminApp } from "./admin";
import { Chain } from "./chain";
import type { BackendConfig, FaultRule, LegacySettings } from "./config";
import { applyOp, finishJournal, type ChainInfo, type Control, type ControlOp } from "./control";
import { nameRules, type SequenceCounter } from "./faults";
import type { JournalEntry, JournalFilter } from "./journal";
import type { Logger } from "./log";
import { createMetricsServer } from "./metrics-server";
import { createRuntime, settingsOf } from "./runtime";
import { closeServer, listen, startServing } from "./serve";

type ToWorker = { t: "op"; id: number; op: ControlOp } | { t: "take-reply"; id: number; n: number } | { t: "drain" };
type ToPrimary = { t: "ready"; http: number; grpc: number } | { t: "take"; id: number; rule: string } | { t: "op-reply"; id: number; entries?: JournalEntry[] };

const OP_TIMEOUT_MS = 5000;

class ClusterControl implements Control {
  rulesList: FaultRule[];
  settingsValue: LegacySettings;
  seedValue: number | null;
  readonly chainSim: Chain;
  private nextId = 1;
  private pending = new Map<number, { left: number; entries: JournalEntry[]; done: () => void }>();

  constructor(private readonly config: BackendConfig) {
    this.rulesList = nameRules(config.faults);
    this.settingsValue = settingsOf(config);
    this.seedValue = config.seed;
    this.chainSim = new Chain(config.chain, config.seed ?? 0);
  }
  backendId() {
    return this.config.backend_id;
  }
  rules() {
    return this.rulesList;
  }
  settings() {
    return this.settingsValue;
  }
  seed() {
    return this.seedValue;
  }
  chain(): ChainInfo {
    return { height: this.chainSim.height(), mode: this.config.chain.mode, block_time_ms: this.config.chain.block_time_ms };
  }
  /** The ops that bring a fresh worker up to date. */
  snapshot(): ControlOp[] {
    const ops: ControlOp[] = [
      { op: "rules", rules: this.rulesList },
      { op: "settings", settings: this.settingsValue },
      { op: "chain", state: this.chainSim.state() },
    ];
    if (this.seedValue !== null && this.seedValue !== this.config.seed) ops.push({ op: "seed", seed: this.seedValue });
    return ops;
  }
  async apply(op: Exclude<ControlOp, { op: "journal-query" }>): Promise<void> {
    if (op.op === "rules") this.rulesList = nameRules(op.rules);
    if (op.op === "settings") this.settingsValue = op.settings;
    if (op.op === "seed") this.seedValue = op.seed;
    if (op.op === "rules" || op.op === "sequences-reset") counters.clear();
    await this.broadcast(op);
  }
  async moveChain(blocks: number, absolute = false): Promise<number> {
    const h = absolute ? this.chainSim.setHeight(blocks) : this.chainSim.advance(blocks);
    await this.broadcast({ op: "chain", state: this.chainSim.state() });
    return h;
  }
  async journal(filter: JournalFilter): Promise<JournalEntry[]> {
    return finishJournal(await this.broadcast({ op: "journal-query", filter }), filter);
  }
  broadcast(op: ControlOp, only?: Worker): Promise<JournalEntry[]> {
    const targets = only ? [only] : Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
    const id = this.nextId++;
    return new Promise((resolve) => {
      const entries: JournalEntry[] = [];
      const timer = setTimeout(() => finish(), OP_TIMEOUT_MS);
      const finish = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(entries);
      };
      if (targets.length === 0) return finish();
      this.pending.set(id, { left: targets.length, entries, done: finish });
      for (const w of targets) w.send({ t: "op", id, op } satisfies ToWorker);
    });
  }
  onReply(id: number, entries?: JournalEntry[]): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (entries) p.entries.push(...entries);
    if (--p.left === 0) p.done();
  }
}

/** `first` counters live in the primary so "fail the first N" means N across all workers. */
const counters = new Map<string, number>();

export async function runPrimary(config: BackendConfig, workers: number, log: Logger): Promise<void> {
  const control = new ClusterControl(config);
  const aggregator = new AggregatorRegistry();
  let shuttingDown = false;
  const ready = new Map<number, { http: number; grpc: number }>();
  let announced = false;

  const fork = (index: number) => {
    const w = cluster.fork({ BACKEND_WORKER_ID: String(index) });
    w.on("message", (m: ToPrimary) => {
      if (m.t === "take") {
        const n = (counters.get(m.rule) ?? 0) + 1;
        counters.set(m.rule, n);
        w.send({ t: "take-reply", id: m.id, n } satisfies ToWorker);
      } else if (m.t === "op-reply") control.onReply(m.id, m.entries);
      else if (m.t === "ready") {
        // A worker starts from the file config; bring it up to the primary's current state.
        void Promise.all(control.snapshot().map((op) => control.broadcast(op, w))).then(() => {
          ready.set(index, { http: m.http, grpc: m.grpc });
          if (!announced && ready.size === workers) {
            announced = true;
            log.info("listening", { backend_id: config.backend_id, workers, http: m.http, grpc: m.grpc, admin: adminPort, metrics: metricsPort });
          }
        });
      }
    });
    w.on("exit", (code, signal) => {
      if (shuttingDown) return;
      log.error("worker exited; starting a new one", { worker: index, code, signal });
      setTimeout(() => fork(index), 500);
    });
  };

  const admin = createServer(createAdminApp(control));
  const metrics = createMetricsServer(async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() }));
  const adminPort = await listen(admin, config.host, config.admin_port);
  const metricsPort = await listen(metrics, config.host, config.metrics_port);
  for (let i = 1; i <= workers; i++) fork(i);

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info("draining", { signal, grace_ms: config.shutdown_grace_ms });
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const exits = live.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once("exit", () => r()))));
    for (const w of live) if (w.isConnected()) w.send({ t: "drain" } satisfies ToWorker);
    const hardStop = setTimeout(() => live.forEach((w) => w.process.kill("SIGKILL")), config.shutdown_grace_ms + 2000);
    await Promise.all(exits);
    clearTimeout(hardStop);
    await Promise.all([closeServer(admin, 1000), closeServer(metrics, 1000)]);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** Asks the primary for the next count; the answer arrives over IPC. */
class ClusterCounter implements SequenceCounter {
  private nextId = 1;
  private waiting = new Map<number, (n: number) => void>();
  take(rule: string): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      process.send!({ t: "take", id, rule } satisfies ToPrimary);
    });
  }
  resolve(id: number, n: number): void {
    this.waiting.get(id)?.(n);
    this.waiting.delete(id);
  }
  /** Counts live in the primary; it clears them itself. */
  reset(): void {}
}

export async function runWorker(config: BackendConfig, log: Logger): Promise<void> {
  const worker = Number(process.env.BACKEND_WORKER_ID ?? cluster.worker?.id ?? 1);
  const counter = new ClusterCounter();
  const rt = createRuntime(config, { counter, worker, log });
  // prom-client installs its worker-side IPC listener only in the constructor.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([rt.metrics.registry]);
  // Handle control messages before listening so the primary's snapshot is never missed.
  let draining = false;
  const drainAndExit = async () => {
    if (draining) return;
    draining = true;
    await serving.drain();
    process.exit(0);
  };
  process.on("message", (m: ToWorker) => {
    if (m.t === "take-reply") counter.resolve(m.id, m.n);
    else if (m.t === "op") {
      const entries = applyOp(rt, m.op, worker);
      process.send!({ t: "op-reply", id: m.id, entries } satisfies ToPrimary);
    } else if (m.t === "drain") void drainAndExit();
  });
  const serving = await startServing(rt);
  // Ctrl-C in a terminal signals the whole process group; drain the same way as on request.
  process.on("SIGTERM", () => void drainAndExit());
  process.on("SIGINT", () => void drainAndExit());
  process.send!({ t: "ready", http: serving.httpPort, grpc: serving.grpcPort } satisfies ToPrimary);
}
