/**
 * Assembles a Grafana dashboard JSON model from sections of panel specs: lays panels out left to
 * right on Grafana's 24-column grid, numbers them, adds a row per section, and declares template
 * variables. Output is plain data with a fixed key order, so the generated files are stable.
 */
import { prometheusDatasource } from "./datasource";
import type { PanelSpec } from "./panels";

export interface Section {
  title: string;
  panels: PanelSpec[];
}

/** A query variable: values of `label` on the series `selector` (multi-select with "All"). */
export interface Variable {
  name: string;
  label: string;
  /** A PromQL series selector, e.g. `ha_relayer_relays_received_total` or `up{job="relayers"}`. */
  selector: string;
  /** The label whose values are offered. Default: `name`. */
  valuesOf?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: Variable[];
  sections: Section[];
  /** Links shown at the top (other dashboards). */
  links?: Array<{ title: string; url: string }>;
}

const gridWidth = 24;

function variableJson(v: Variable) {
  const query = `label_values(${v.selector}, ${v.valuesOf ?? v.name})`;
  return {
    type: "query",
    name: v.name,
    label: v.label,
    datasource: prometheusDatasource,
    definition: query,
    query: { qryType: 1, query, refId: "PrometheusVariableQueryEditor-VariableQuery" },
    // Refresh on time range change: replicas and services come and go while the localnet runs.
    refresh: 2,
    multi: true,
    includeAll: true,
    // With "All" selected, match everything with one regex instead of a long alternation.
    allValue: ".*",
    current: { text: ["All"], value: ["$__all"] },
    options: [],
    sort: 1,
    regex: "",
  };
}

/** Places sections and panels on the grid; returns Grafana's flat panel list. */
function layout(sections: Section[]): unknown[] {
  const out: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const section of sections) {
    out.push({ type: "row", id: id++, title: section.title, collapsed: false, gridPos: { h: 1, w: gridWidth, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of section.panels) {
      if (x + p.w > gridWidth) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      // mayBeEmpty is ours (the tests read it from the spec); Grafana sees it in the description.
      const { w, h, mayBeEmpty: _reason, ...panel } = p;
      out.push({ id: id++, gridPos: { h, w, x, y }, ...panel });
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return out;
}

/** The dashboard JSON model Grafana's file provisioning loads. */
export function buildDashboard(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ["relayminer-localnet", ...spec.tags],
    editable: false,
    graphTooltip: 1,
    refresh: "10s",
    schemaVersion: 41,
    time: { from: "now-30m", to: "now" },
    timezone: "browser",
    links: (spec.links ?? []).map((l) => ({
      type: "link",
      title: l.title,
      url: l.url,
      targetBlank: false,
      keepTime: true,
      includeVars: false,
      icon: "dashboard",
      tags: [],
      asDropdown: false,
      tooltip: "",
    })),
    annotations: { list: [] },
    templating: { list: spec.variables.map(variableJson) },
    panels: layout(spec.sections),
  };
}
