/**
 * Fault rules: the first rule that matches a request (protocol, method, headers) and fires
 * (its `first` budget is not spent and its probability roll succeeds) decides the request's fate.
 *
 * How an action plays out per protocol (each handler implements its column):
 *
 * | action        | http (JSON-RPC)              | websocket (per message)        | sse / ndjson              | grpc                      |
 * |---------------|------------------------------|--------------------------------|---------------------------|---------------------------|
 * | http_status   | status + text body           | close 1011 (handshake: status) | status + text body        | INTERNAL                  |
 * | jsonrpc_error | 200 + error object (per call)| error frame                    | 200 + error object        | INTERNAL + message        |
 * | grpc_status   | 500 + text body              | close 1011                     | 500 + text body           | that status code          |
 * | reset         | TCP RST                      | TCP RST                        | TCP RST                   | UNAVAILABLE               |
 * | empty         | close, no bytes              | no reply to that message       | close, no bytes           | UNAVAILABLE               |
 * | truncate      | partial body, then close     | partial JSON frame             | partial first event+close | INTERNAL                  |
 * | disconnect    | like reset                   | RST after K frames             | RST after K events        | UNAVAILABLE after K msgs  |
 *
 * gRPC cannot express transport faults through grpc-js's server API without reaching into its
 * internals, so those map to the status a client would see after a dropped connection.
 */
import type { FaultAction, FaultRule, LatencySpec, Protocol } from "./config";
import { sampleLatency } from "./latency";
import type { Rng } from "./rng";

export interface FaultDecision {
  rule: string;
  action: FaultAction;
  /** Sampled time to first byte. */
  ttfbMs: number;
  /** Stream pacing override (sampled per event by the stream). */
  interval?: LatencySpec;
}

/** Counts matches of `first`-limited rules; in cluster mode the primary holds the counts. */
export interface SequenceCounter {
  /** 1-based count of this match. */
  take(rule: string): number | Promise<number>;
  reset(): void;
}

export class LocalCounter implements SequenceCounter {
  private counts = new Map<string, number>();
  take(rule: string): number {
    const n = (this.counts.get(rule) ?? 0) + 1;
    this.counts.set(rule, n);
    return n;
  }
  reset(): void {
    this.counts.clear();
  }
}

export type HeaderLookup = (lowerName: string) => string | undefined;

interface CompiledRule {
  rule: FaultRule & { name: string };
  method: RegExp | string;
  headers: Array<[string, string]>;
}

function compileMethod(pattern: string): RegExp | string {
  if (pattern === "*") return /^/;
  if (!pattern.includes("*")) return pattern;
  const escaped = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** Gives unnamed rules a stable name and rejects duplicates (names key the `first` counters). */
export function nameRules(rules: FaultRule[]): Array<FaultRule & { name: string }> {
  const seen = new Set<string>();
  return rules.map((r, i) => {
    const name = r.name ?? `rule-${i}`;
    if (seen.has(name)) throw new Error(`faults[${i}].name: duplicate rule name ${JSON.stringify(name)}`);
    seen.add(name);
    return { ...r, name };
  });
}

/** The metrics `fault` label for a decision. */
export function faultLabel(d: FaultDecision | null): string {
  if (!d) return "none";
  if (d.action.type === "none") return d.ttfbMs > 0 || d.interval ? "latency" : "none";
  return d.action.type;
}

export class FaultEngine {
  private compiled: CompiledRule[] = [];

  constructor(
    rules: FaultRule[],
    private readonly rng: Rng,
    private readonly counter: SequenceCounter,
  ) {
    this.setRules(rules);
  }

  setRules(rules: FaultRule[]): void {
    this.compiled = nameRules(rules).map((rule) => ({
      rule,
      method: compileMethod(rule.method),
      headers: Object.entries(rule.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]),
    }));
    this.counter.reset();
  }

  rules(): Array<FaultRule & { name: string }> {
    return this.compiled.map((c) => c.rule);
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /**
   * The decision for one request, or null. Synchronous unless a `first` rule needs the cluster
   * primary's counter; callers `await` only when they get a Promise.
   */
  decide(protocol: Protocol, method: string, header?: HeaderLookup): FaultDecision | null | Promise<FaultDecision | null> {
    if (this.compiled.length === 0) return null;
    return this.from(0, protocol, method, header);
  }

  private from(start: number, protocol: Protocol, method: string, header?: HeaderLookup): FaultDecision | null | Promise<FaultDecision | null> {
    for (let i = start; i < this.compiled.length; i++) {
      const c = this.compiled[i];
      if (!this.matches(c, protocol, method, header)) continue;
      const r = c.rule;
      if (r.first !== undefined) {
        const n = this.counter.take(r.name);
        if (typeof n !== "number") {
          return n.then((count) => (count <= r.first! ? (this.fire(c) ?? this.from(i + 1, protocol, method, header)) : this.from(i + 1, protocol, method, header)));
        }
        if (n > r.first) continue;
      }
      const d = this.fire(c);
      if (d) return d;
    }
    return null;
  }

  private matches(c: CompiledRule, protocol: Protocol, method: string, header?: HeaderLookup): boolean {
    if (c.rule.protocol !== "any" && c.rule.protocol !== protocol) return false;
    if (typeof c.method === "string" ? c.method !== method : !c.method.test(method)) return false;
    for (const [name, want] of c.headers) {
      if ((header?.(name) ?? "").toLowerCase() !== want) return false;
    }
    return true;
  }

  private fire(c: CompiledRule): FaultDecision | null {
    const r = c.rule;
    if (r.probability < 1 && this.rng.next() >= r.probability) return null;
    return {
      rule: r.name,
      action: r.action,
      ttfbMs: sampleLatency(r.latency?.ttfb, this.rng),
      interval: r.latency?.interval,
    };
  }
}
