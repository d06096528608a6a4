/**
 * Prometheus metrics. The reference names stay (`demo_requests_total`, `demo_request_duration_seconds`)
 * so existing dashboards work; the extra labels (`outcome`, `fault`) let Grafana separate injected
 * faults from real relayer errors.
 *
 * JSON-RPC method names come from clients, so the `method` label is capped per protocol: past
 * MAX_METHODS distinct values (or past MAX_METHOD_LENGTH characters) new ones are counted as `other`
 * instead of growing the series set.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Protocol } from "./config";

/** ok | client_error (bad request from the client) | injected (a fault fired) | cancelled (client left) */
export type Outcome = "ok" | "client_error" | "injected" | "cancelled";

const MAX_METHODS = 200;
/** Longer names are client garbage, not methods; as labels they would hold megabytes per series. */
const MAX_METHOD_LENGTH = 100;

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"protocol" | "method" | "outcome" | "fault">;
  private readonly duration: Histogram<"protocol" | "method" | "outcome">;
  readonly activeStreams: Gauge<"protocol">;
  readonly chainHeight: Gauge;
  private methods = new Map<string, Set<string>>();
  /** Cache of bound children: labels() hashes its arguments on every call. */
  private children = new Map<string, { c: Counter.Internal; h: Histogram.Internal<string> }>();

  constructor() {
    this.requests = new Counter({
      name: "demo_requests_total",
      help: "Requests handled, by protocol, method, outcome and injected fault",
      labelNames: ["protocol", "method", "outcome", "fault"],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: "demo_request_duration_seconds",
      help: "Time from request to last byte (streams: until they end)",
      labelNames: ["protocol", "method", "outcome"],
      registers: [this.registry],
    });
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
      child = { c: this.requests.labels(protocol, m, outcome, fault), h: this.duration.labels(protocol, m, outcome) };
      this.children.set(key, child);
    }
    child.c.inc();
    if (seconds !== undefined) child.h.observe(seconds);
  }
}

/** Seconds since `start` (from performance.now()). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}
