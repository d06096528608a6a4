/**
 * Which dashboard panels show data on a running Prometheus: every Prometheus query of every panel
 * (and each variable's selector) run as Grafana runs it, a range query over the time the test
 * covered with the dashboards' variables at "All". A panel has data when one of its queries
 * returns a series. The live tests (a real relay path on loopback, the in-cluster Prometheus on a
 * real node) use this to report panels with and without data and to fail on an unexplained gap.
 */
import { dashboardSpecs } from "../../dashboards";
import type { DashboardSpec } from "../../dashboards/lib/dashboard";
import { substituteVariables } from "../../dashboards/lib/queries";

export interface PanelQueries {
  dashboard: string;
  panel: string;
  /** The panel's typed reason to be empty, if any. */
  mayBeEmpty?: string;
  exprs: string[];
}

/** Prometheus queries per panel (log panels are checked against Loki, not here). */
export function prometheusPanels(specs: Record<string, DashboardSpec> = dashboardSpecs()): PanelQueries[] {
  const out: PanelQueries[] = [];
  for (const spec of Object.values(specs)) {
    for (const v of spec.variables) out.push({ dashboard: spec.uid, panel: `variable $${v.name}`, exprs: [v.selector] });
    for (const section of spec.sections) {
      for (const p of section.panels) {
        if (p.datasource.type !== "prometheus") continue;
        out.push({ dashboard: spec.uid, panel: p.title, mayBeEmpty: p.mayBeEmpty, exprs: p.targets.map((t) => t.expr) });
      }
    }
  }
  return out;
}

export interface PanelData extends PanelQueries {
  series: number;
  errors: string[];
}

interface RangeAnswer {
  status: string;
  error?: string;
  data?: { result?: unknown[] };
}

export async function queryRange(prometheusUrl: string, expr: string, r: { startS: number; endS: number; stepS: number }): Promise<RangeAnswer> {
  const res = await fetch(`${prometheusUrl}/api/v1/query_range`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: expr, start: String(r.startS), end: String(r.endS), step: String(r.stepS) }).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as RangeAnswer;
}

/** Runs every panel's queries over [startS, endS] (epoch seconds). */
export async function panelData(prometheusUrl: string, panels: PanelQueries[], o: { startS: number; endS: number; scrapeIntervalSeconds: number }): Promise<PanelData[]> {
  const rangeSeconds = Math.max(60, Math.ceil(o.endS - o.startS));
  const stepS = Math.max(o.scrapeIntervalSeconds, Math.ceil(rangeSeconds / 300));
  const out: PanelData[] = [];
  for (const p of panels) {
    let series = 0;
    const errors: string[] = [];
    for (const expr of p.exprs) {
      const e = substituteVariables(expr, o.scrapeIntervalSeconds, rangeSeconds);
      const r = await queryRange(prometheusUrl, e, { startS: o.startS, endS: o.endS, stepS });
      if (r.status !== "success") errors.push(`${e}: ${r.error}`);
      else series += r.data?.result?.length ?? 0;
    }
    out.push({ ...p, series, errors });
  }
  return out;
}

/** Panels that must have data and have none (or whose queries failed). */
export function unexplainedGaps(results: PanelData[]): string[] {
  return results
    .filter((r) => r.errors.length > 0 || (r.series === 0 && !r.mayBeEmpty))
    .map((r) => `${r.dashboard} / ${r.panel}: ${r.errors.length ? r.errors.join("; ") : "no data"}`);
}

/** One line per dashboard: panels with data, and the empty ones with their reasons. */
export function panelReport(results: PanelData[]): string {
  const lines: string[] = [];
  for (const d of [...new Set(results.map((r) => r.dashboard))]) {
    const rows = results.filter((r) => r.dashboard === d && !r.panel.startsWith("variable "));
    const empty = rows.filter((r) => r.series === 0);
    lines.push(`${d}: ${rows.length - empty.length}/${rows.length} panels with data`);
    for (const e of empty) lines.push(`  empty: ${e.panel}${e.mayBeEmpty ? ` (may be empty: ${e.mayBeEmpty})` : " (NOT EXPLAINED)"}`);
  }
  return lines.join("\n");
}
