/**
 * Typed builders for the few Grafana panel kinds the dashboards use. Each returns a panel without
 * `id`/`gridPos`; the dashboard builder lays panels out and numbers them, so adding a panel never
 * means recomputing coordinates by hand.
 */
import { prometheusDatasource } from "./datasource";

export interface Target {
  refId: string;
  expr: string;
  legendFormat: string;
  instant?: boolean;
  range?: boolean;
  datasource: typeof prometheusDatasource;
}

/** A panel before layout: Grafana's JSON plus the width/height the layout should give it. */
export interface PanelSpec {
  type: "timeseries" | "stat" | "gauge" | "table";
  title: string;
  description?: string;
  w: number;
  h: number;
  datasource: typeof prometheusDatasource;
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

function base(type: PanelSpec["type"], o: PanelOptions, w: number, h: number, instant: boolean) {
  return {
    type,
    title: o.title,
    ...(o.description ? { description: o.description } : {}),
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

/** 1 = up / 0 = down colouring shared by every "is it up" panel. */
export const upMappings: ValueMapping[] = [
  { value: 1, text: "UP", color: "green" },
  { value: 0, text: "DOWN", color: "red" },
];
