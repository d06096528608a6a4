/**
 * The metrics a live run recorded (dashboards/testdata/metrics/<job>.prom: every series Prometheus
 * stored per scrape job, with its target labels; README.md there says how they were made), and
 * whether a selector of a dashboard query matches any of them, with dashboard variables at "All".
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Selector } from "./promql-analysis";

export interface RecordedSeries {
  name: string;
  labels: Record<string, string>;
}

export const recordedMetricsDir = join(__dirname, "..", "testdata", "metrics");

/** `name{a="x",b="y"} value` lines; comments skipped. */
export function parseRecorded(text: string): RecordedSeries[] {
  const out: RecordedSeries[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+$/.exec(line);
    if (!m) throw new Error(`not a series line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");
    out.push({ name: m[1], labels });
  }
  return out;
}

/** Every recorded series, by job file name (`relayers`, `miners`, …). */
export function loadRecorded(dir = recordedMetricsDir): Map<string, RecordedSeries[]> {
  const out = new Map<string, RecordedSeries[]>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".prom"))) out.set(f.replace(/\.prom$/, ""), parseRecorded(readFileSync(join(dir, f), "utf8")));
  return out;
}

/** A label matcher's value as Grafana sends it with every variable at "All" (`$x` → `.*`). */
const withAll = (v: string) => v.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}?/g, ".*");

/** Does `s` (metric and matchers, PromQL semantics: regexes anchored, a missing label is "") match a recorded series? */
export function selectorMatches(s: Selector, series: readonly RecordedSeries[]): boolean {
  const tests = s.matchers.map((m) => {
    const value = withAll(m.value);
    if (m.op === "=" || m.op === "!=") return (v: string) => (v === value) === (m.op === "=");
    const re = new RegExp(`^(?:${value})$`);
    return (v: string) => re.test(v) === (m.op === "=~");
  });
  return series.some((x) => x.name === s.metric && s.matchers.every((m, i) => tests[i](x.labels[m.label] ?? "")));
}
