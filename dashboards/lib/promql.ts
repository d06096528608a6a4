/**
 * Small PromQL builders. Panels compose these instead of writing query strings by hand, so the
 * shapes that are easy to get wrong are right everywhere: rate() over a window Grafana sizes from
 * the scrape interval, and histogram_quantile() over `_bucket` series summed `by (le, …)`.
 */

/** A label matcher as PromQL text, e.g. `service_id=~"$service_id"`. */
export type Matcher = string;

const quote = (v: string) => JSON.stringify(v);
export const eq = (label: string, value: string): Matcher => `${label}=${quote(value)}`;
export const ne = (label: string, value: string): Matcher => `${label}!=${quote(value)}`;
export const re = (label: string, value: string): Matcher => `${label}=~${quote(value)}`;
export const nre = (label: string, value: string): Matcher => `${label}!~${quote(value)}`;
/** Matches a dashboard variable (multi-value, "All" = `.*`): `label=~"$var"`. */
export const isVar = (label: string, variable: string = label): Matcher => re(label, `$${variable}`);

/** Grafana's rate window: at least four scrape intervals, so rate() always has two samples. */
export const rateWindow = "$__rate_interval";
/** The dashboard's whole time range, for "how many in this view" stats. */
export const rangeWindow = "$__range";

/** `metric{m1, m2}`; no braces when there is no matcher. */
export function sel(metric: string, ...matchers: Matcher[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(", ")}}`;
}

/** Per-second rate of a counter selection. */
export const rate = (selector: string, window: string = rateWindow) => `rate(${selector}[${window}])`;
/** Increase of a counter over a window (default: the dashboard range). */
export const increase = (selector: string, window: string = rangeWindow) => `increase(${selector}[${window}])`;

/** `op by (labels) (expr)`; plain `op(expr)` without labels. */
function aggregate(op: string, by: readonly string[], expr: string): string {
  return by.length === 0 ? `${op}(${expr})` : `${op} by (${by.join(", ")}) (${expr})`;
}
export const sum = (expr: string, by: readonly string[] = []) => aggregate("sum", by, expr);
export const max = (expr: string, by: readonly string[] = []) => aggregate("max", by, expr);
export const min = (expr: string, by: readonly string[] = []) => aggregate("min", by, expr);
export const count = (expr: string, by: readonly string[] = []) => aggregate("count", by, expr);
export const topk = (k: number, expr: string) => `topk(${k}, ${expr})`;

/** Summed rate of a counter, grouped by `by`. The most common panel query. */
export function sumRate(metric: string, by: readonly string[], ...matchers: Matcher[]): string {
  return sum(rate(sel(metric, ...matchers)), by);
}

/**
 * Quantile `q` of histogram `metric` (base name, without `_bucket`), per `by` group. The bucket
 * rates are summed by `le` plus the groups first, which is what makes the quantile meaningful
 * across replicas.
 */
export function quantile(q: number, metric: string, by: readonly string[], ...matchers: Matcher[]): string {
  return `histogram_quantile(${q}, ${sum(rate(sel(`${metric}_bucket`, ...matchers)), ["le", ...by])})`;
}

/** Average of a histogram per `by` group: rate of `_sum` over rate of `_count`. */
export function histogramMean(metric: string, by: readonly string[], ...matchers: Matcher[]): string {
  return `${sumRate(`${metric}_sum`, by, ...matchers)} / ${sumRate(`${metric}_count`, by, ...matchers)}`;
}

/** `a / b` where an empty denominator shows nothing instead of NaN/Inf. */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator} > 0)`;
}

/** `expr or vector(0)`: a stat shows 0 instead of "No data" when nothing has happened yet. */
export const orZero = (expr: string) => `(${expr}) or vector(0)`;
