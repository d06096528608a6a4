/**
 * Prometheus metrics. The reference names stay (`demo_requests_total`, `demo_request_duration_seconds`)
 * so existing dashboards work; the extra labels (`outcome`, `fault`) let Grafana separate injected
 * faults from real relayer errors.
 *
 * JSON-RPC method names come from clients, so the `method` label is capped per protocol: past
 * MAX_METHODS distinct values (or past MAX_METHOD_LENGTH characters) new ones are counted as `other`
 * instead of growing the series set.
 */
import { Gauge, Registry, type Metric } from "prom-client";
import { FastCounter, FastHistogram } from "./request-series";
import type { Protocol } from "./config";

/** ok | client_error (bad request from the client) | injected (a fault fired) | cancelled (client left) */
export type Outcome = "ok" | "client_error" | "injected" | "cancelled";

const MAX_METHODS = 200;
/** Longer names are client garbage, not methods; as labels they would hold megabytes per series. */
const MAX_METHOD_LENGTH = 100;

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new FastCounter("demo_requests_total", "Requests handled, by protocol, method, outcome and injected fault");
  private readonly duration = new FastHistogram("demo_request_duration_seconds", "Time from request to last byte (streams: until they end)");
  readonly activeStreams: Gauge<"protocol">;
  readonly chainHeight: Gauge;
  private methods = new Map<string, Set<string>>();
  /** Series by label values, so a request costs one map lookup. */
  private children = new Map<string, { c: ReturnType<FastCounter["child"]>; h?: ReturnType<FastHistogram["child"]> }>();

  constructor() {
    // prom-client formats and aggregates them like its own metrics.
    this.registry.registerMetric(this.requests as unknown as Metric);
    this.registry.registerMetric(this.duration as unknown as Metric);
    this.activeStreams = new Gauge({
      name: "demo_active_streams",
      help: "Open SSE/NDJSON/gRPC streams and WebSocket connections",
      labelNames: ["protocol"],
      registers: [this.registry],
    });
    this.chainHeight = new Gauge({
      name: "demo_chain_height",
      help: "Height of the simulated chain",
      registers: [this.registry],
      // Workers agree on the height; summing them (the cluster default) would be wrong.
      aggregator: "max",
    });
  }

  private methodLabel(protocol: Protocol, method: string): string {
    let set = this.methods.get(protocol);
    if (!set) this.methods.set(protocol, (set = new Set()));
    if (set.has(method)) return method;
    if (set.size >= MAX_METHODS || method.length > MAX_METHOD_LENGTH) return "other";
    set.add(method);
    return method;
  }

  /** Counts one request; `seconds` (if given) goes into the duration histogram. */
  observe(protocol: Protocol, method: string, outcome: Outcome, fault: string, seconds?: number): void {
    const m = this.methodLabel(protocol, method);
    const key = `${protocol}\u0000${m}\u0000${outcome}\u0000${fault}`;
    let child = this.children.get(key);
    if (!child) {
      child = { c: this.requests.child(key, { protocol, method: m, outcome, fault }) };
      this.children.set(key, child);
    }
    child.c.value++;
    if (seconds === undefined) return;
    // Made on the first duration, as prom-client does: a count alone leaves no histogram series.
    child.h ??= this.duration.child(`${protocol}\u0000${m}\u0000${outcome}`, { protocol, method: m, outcome });
    this.duration.observe(child.h, seconds);
  }
}

/** Seconds since `start` (from performance.now()). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}
