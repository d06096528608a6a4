/**
 * Typed builders for the few Grafana panel kinds the dashboards use. Each returns a panel without
 * `id`/`gridPos`; the dashboard builder lays panels out and numbers them, so adding a panel never
 * means recomputing coordinates by hand.
 */
import { lokiDatasource, prometheusDatasource, type Datasource } from "./datasource";

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: "table";
  /** Loki: the most lines a logs panel asks for. */
  maxLines?: number;
  datasource: Datasource;
}

/** A panel before layout: Grafana's JSON plus the width/height the layout should give it. */
export interface PanelSpec {
  type: "timeseries" | "stat" | "gauge" | "table" | "logs";
  title: string;
  description?: string;
  /**
   * Why this panel can show no data on a healthy localnet (a series that only appears on an error,
   * a failover, or in a newer relay-miner). Panels without it must have data on a live run: the
   * dashboard tests check their queries against the recorded metrics, and the live tests against
   * a running Prometheus. Shown in the panel's description.
   */
  mayBeEmpty?: string;
  w: number;
  h: number;
  datasource: Datasource;
  targets: Target[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
  transformations?: unknown[];
}

/** A query of a panel: PromQL plus its legend (`{{service_id}}`). */
export interface Query {
  expr: string;
  legend?: string;
}

export interface PanelOptions {
  title: string;
  description?: string;
  /** See PanelSpec.mayBeEmpty. */
  mayBeEmpty?: string;
  /** Grafana unit id: reqps, s, bytes, percentunit, short, none, … */
  unit?: string;
  queries: Query[];
  w?: number;
  h?: number;
  min?: number;
  max?: number;
}

function targets(queries: Query[], instant: boolean): Target[] {
  return queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    expr: q.expr,
    legendFormat: q.legend ?? "__auto",
    ...(instant ? { instant: true, range: false } : { range: true }),
    datasource: prometheusDatasource,
  }));
}

function defaults(o: PanelOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const d: Record<string, unknown> = { unit: o.unit ?? "short", ...extra };
  if (o.min !== undefined) d.min = o.min;
  if (o.max !== undefined) d.max = o.max;
  return d;
}

/** The description Grafana shows: the panel's own, then why it may be empty. */
export function describe(o: { description?: string; mayBeEmpty?: string }): string | undefined {
  const parts = [o.description, o.mayBeEmpty ? `May be empty: ${o.mayBeEmpty}` : undefined].filter(Boolean);
  return parts.length ? parts.join("\n\n") : undefined;
}

function base(type: PanelSpec["type"], o: PanelOptions, w: number, h: number, instant: boolean) {
  const description = describe(o);
  return {
    type,
    title: o.title,
    ...(description ? { description } : {}),
    ...(o.mayBeEmpty ? { mayBeEmpty: o.mayBeEmpty } : {}),
    w: o.w ?? w,
    h: o.h ?? h,
    datasource: prometheusDatasource,
    targets: targets(o.queries, instant),
  };
}

/** Lines over time; the default panel. */
export function timeseries(o: PanelOptions & { stack?: boolean }): PanelSpec {
  return {
    ...base("timeseries", o, 12, 8, false),
    fieldConfig: {
      defaults: defaults(o, {
        custom: { drawStyle: "line", lineWidth: 1, fillOpacity: o.stack ? 30 : 10, showPoints: "never", stacking: { mode: o.stack ? "normal" : "none" } },
      }),
      overrides: [],
    },
    options: { legend: { displayMode: "table", placement: "bottom", calcs: ["lastNotNull", "max"] }, tooltip: { mode: "multi", sort: "desc" } },
  };
}

/** Value → text/colour, e.g. 1 → "UP" green. */
export interface ValueMapping {
  value: number;
  text: string;
  color: string;
}

/** One big number per series (last value). `mappings` turn 0/1 states into words. */
export function stat(o: PanelOptions & { mappings?: ValueMapping[]; thresholds?: Array<{ value: number | null; color: string }> }): PanelSpec {
  const mappings = (o.mappings ?? []).map((m) => ({
    type: "value",
    options: { [String(m.value)]: { text: m.text, color: m.color, index: 0 } },
  }));
  return {
    ...base("stat", o, 6, 4, true),
    fieldConfig: {
      defaults: defaults(o, {
        mappings,
        thresholds: { mode: "absolute", steps: o.thresholds ?? [{ value: null, color: "green" }] },
        color: { mode: o.mappings || o.thresholds ? "thresholds" : "fixed", fixedColor: "blue" },
      }),
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      colorMode: "background",
      graphMode: "none",
      textMode: "value_and_name",
      justifyMode: "auto",
      orientation: "auto",
    },
  };
}

/** A column of a table panel: one instant query, its value shown under `title`. */
export interface TableColumn {
  title: string;
  expr: string;
}

/**
 * One row per label set the queries share (e.g. service and supplier), one column per query: the
 * instant values merged on their labels. `labels` are the columns that identify a row.
 */
export function table(o: { title: string; description?: string; mayBeEmpty?: string; labels: string[]; columns: TableColumn[]; w?: number; h?: number; unit?: string }): PanelSpec {
  const description = describe(o);
  const rename: Record<string, string> = {};
  o.columns.forEach((c, i) => (rename[`Value #${String.fromCharCode(65 + i)}`] = c.title));
  const keep: Record<string, boolean> = { Time: false };
  return {
    type: "table",
    title: o.title,
    ...(description ? { description } : {}),
    ...(o.mayBeEmpty ? { mayBeEmpty: o.mayBeEmpty } : {}),
    w: o.w ?? 24,
    h: o.h ?? 8,
    datasource: prometheusDatasource,
    targets: o.columns.map((c, i) => ({ refId: String.fromCharCode(65 + i), expr: c.expr, instant: true, range: false, format: "table", datasource: prometheusDatasource })),
    fieldConfig: { defaults: { unit: o.unit ?? "short" }, overrides: [] },
    options: { showHeader: true, cellHeight: "sm", sortBy: o.labels.map((l) => ({ displayName: l, desc: false })) },
    transformations: [
      { id: "merge", options: {} },
      {
        id: "organize",
        options: { excludeByName: keep, indexByName: Object.fromEntries([...o.labels, ...o.columns.map((c) => c.title)].map((n, i) => [n, i])), renameByName: rename },
      },
    ],
  };
}

/**
 * The log lines of a LogQL stream selector (Loki), newest first. Logs come from the log collector
 * (components/observability), which labels each line with its pod, container and namespace.
 */
export function logs(o: { title: string; description?: string; mayBeEmpty?: string; expr: string; w?: number; h?: number }): PanelSpec {
  const description = describe(o);
  return {
    type: "logs",
    title: o.title,
    ...(description ? { description } : {}),
    ...(o.mayBeEmpty ? { mayBeEmpty: o.mayBeEmpty } : {}),
    w: o.w ?? 24,
    h: o.h ?? 10,
    datasource: lokiDatasource,
    targets: [{ refId: "A", expr: o.expr, maxLines: 500, datasource: lokiDatasource }],
    fieldConfig: { defaults: {}, overrides: [] },
    options: { showTime: true, showLabels: false, wrapLogMessage: true, prettifyLogMessage: false, enableLogDetails: true, dedupStrategy: "none", sortOrder: "Descending" },
  };
}

/** 1 = up / 0 = down colouring shared by every "is it up" panel. */
export const upMappings: ValueMapping[] = [
  { value: 1, text: "UP", color: "green" },
  { value: 0, text: "DOWN", color: "red" },
];
