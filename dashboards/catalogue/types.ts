/**
 * Shapes of the metric catalogue: what a scrape can return, with the type (so tests can tell a
 * counter from a gauge) and the labels the exporter itself attaches (before Prometheus adds target
 * labels). A histogram `x` stands for the series `x_bucket` (+ `le`), `x_sum` and `x_count`.
 */
export type MetricType = "counter" | "gauge" | "histogram" | "summary";

export interface MetricInfo {
  type: MetricType;
  labels: readonly string[];
}

export type MetricCatalogue = Readonly<Record<string, MetricInfo>>;

export const counter = (...labels: string[]): MetricInfo => ({ type: "counter", labels });
export const gauge = (...labels: string[]): MetricInfo => ({ type: "gauge", labels });
export const histogram = (...labels: string[]): MetricInfo => ({ type: "histogram", labels });
