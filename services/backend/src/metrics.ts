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

/** A request series handed out by `Metrics.series` (opaque to callers). */
export interface Series {
  readonly method: string;
}

/** A counter series and, once a duration was observed, its histogram series. */
interface SeriesPair extends Series {
  c: ReturnType<FastCounter["child"]>;
  h?: ReturnType<FastHistogram["child"]>;
  protocol: Protocol;
  outcome: Outcome;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new FastCounter("demo_requests_total", "Requests handled, by protocol, method, outcome and injected fault");
  private readonly duration = new FastHistogram("demo_request_duration_seconds", "Time from request to last byte (streams: until they end)");
  readonly activeStreams: Gauge<"protocol">;
  readonly chainHeight: Gauge;
  private methods = new Map<string, Set<string>>();
  /** Series by label values, so a request costs one map lookup. */
  private children = new Map<string, SeriesPair>();

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

  /**
   * The series one request of these labels counts into. Series live as long as the registry (a
   * reset zeroes them in place), so a caller may keep one and `count` into it without a lookup.
   */
  series(protocol: Protocol, method: string, outcome: Outcome, fault: string): Series {
    const m = this.methodLabel(protocol, method);
    const key = `${protocol}\u0000${m}\u0000${outcome}\u0000${fault}`;
    let child = this.children.get(key);
    if (!child) {
      child = { c: this.requests.child(key, { protocol, method: m, outcome, fault }), protocol, method: m, outcome };
      this.children.set(key, child);
    }
    return child;
  }

  /** Counts one request into `s`; `seconds` (if given) goes into the duration histogram. */
  count(s: Series, seconds?: number): void {
    const child = s as SeriesPair;
    child.c.value++;
    if (seconds === undefined) return;
    // Made on the first duration, as prom-client does: a count alone leaves no histogram series.
    child.h ??= this.duration.child(`${child.protocol}\u0000${child.method}\u0000${child.outcome}`, { protocol: child.protocol, method: child.method, outcome: child.outcome });
    this.duration.observe(child.h, seconds);
  }

  /** Counts one request; `seconds` (if given) goes into the duration histogram. */
  observe(protocol: Protocol, method: string, outcome: Outcome, fault: string, seconds?: number): void {
    this.count(this.series(protocol, method, outcome, fault), seconds);
  }
}

/** Seconds since `start` (from performance.now()). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}
