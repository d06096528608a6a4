/**
 * Every PromQL expression a dashboard runs (panel targets and variable selectors), and the
 * substitution Grafana would make for its variables, so tests can hand them to a real Prometheus.
 */

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface PanelJson {
  title?: string;
  targets?: Array<{ expr?: string; datasource?: { type?: string } }>;
}

interface DashboardJson {
  uid?: unknown;
  panels?: PanelJson[];
  templating?: { list?: Array<{ name: string; definition?: string }> };
}

/**
 * Panel expressions plus each query variable's selector (the `x` of `label_values(x, label)`);
 * with `datasource`, only the panel targets of that datasource type (variables are Prometheus').
 */
export function queriesOf(model: Record<string, unknown>, datasource?: "prometheus" | "loki"): DashboardQuery[] {
  const d = model as DashboardJson;
  const uid = String(d.uid);
  const out: DashboardQuery[] = [];
  for (const p of d.panels ?? []) {
    for (const t of p.targets ?? []) if (t.expr && (!datasource || t.datasource?.type === datasource)) out.push({ dashboard: uid, panel: p.title ?? "", expr: t.expr });
  }
  if (datasource === "loki") return out;
  for (const v of d.templating?.list ?? []) {
    const m = /^label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\)$/.exec(v.definition ?? "");
    if (m) out.push({ dashboard: uid, panel: `variable $${v.name}`, expr: m[1] });
  }
  return out;
}

/**
 * Grafana's substitutions, as they happen with "All" selected: `$__rate_interval`/`$__interval`
 * become durations, `$__range` the dashboard range (30 minutes unless told), and every other `$var` the All value `.*`.
 */
export function substituteVariables(expr: string, scrapeIntervalSeconds = 5, rangeSeconds = 1800): string {
  return expr
    .replaceAll("$__rate_interval", `${Math.max(4 * scrapeIntervalSeconds, 15)}s`)
    .replaceAll("$__interval", `${scrapeIntervalSeconds}s`)
    .replaceAll("$__range", `${rangeSeconds}s`)
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ".*");
}
