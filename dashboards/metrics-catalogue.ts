/**
 * Every metric name a dashboard may use, with where it comes from. Tests extract the names from
 * each panel's PromQL and fail on any name this catalogue does not know, on rate() over a gauge, and
 * on label names that neither the exporter nor the scrape job attaches.
 */
import { backendMetrics } from "./catalogue/backend";
import { chainExporterMetrics } from "./catalogue/chain-exporter";
import { cometbftMetrics } from "./catalogue/cometbft";
import { scrapeMetrics } from "./catalogue/prometheus";
import { redisExporterMetrics } from "./catalogue/redis-exporter";
import { relayMinerMetrics } from "./catalogue/relay-miner";
import type { MetricCatalogue, MetricInfo } from "./catalogue/types";
import { jobTargetLabels, scrapeJobs, type ScrapeJob } from "./scrape-jobs";

export type { MetricCatalogue, MetricInfo } from "./catalogue/types";

export interface CatalogueSource {
  name: string;
  metrics: MetricCatalogue;
  /** The scrape jobs whose targets export this family. */
  jobs: readonly ScrapeJob[];
}

export const catalogueSources: readonly CatalogueSource[] = [
  { name: "pocket-relay-miner", metrics: relayMinerMetrics, jobs: [scrapeJobs.relayers, scrapeJobs.miners] },
  { name: "CometBFT", metrics: cometbftMetrics, jobs: [scrapeJobs.validator] },
  { name: "redis_exporter", metrics: redisExporterMetrics, jobs: [scrapeJobs.redis] },
  { name: "demo backend", metrics: backendMetrics, jobs: [scrapeJobs.backend] },
  { name: "chain exporter", metrics: chainExporterMetrics, jobs: [scrapeJobs.chain] },
  { name: "Prometheus scrape", metrics: scrapeMetrics, jobs: Object.values(scrapeJobs) },
];

/** A series name resolved to its catalogue entry: `x_bucket` → histogram `x` with `le`. */
export interface ResolvedSeries {
  base: string;
  info: MetricInfo;
  source: CatalogueSource;
  suffix: "" | "_bucket" | "_sum" | "_count";
}

export function resolveSeries(name: string): ResolvedSeries | undefined {
  for (const source of catalogueSources) {
    const direct = source.metrics[name];
    if (direct && direct.type !== "histogram") return { base: name, info: direct, source, suffix: "" };
    for (const suffix of ["_bucket", "_sum", "_count"] as const) {
      if (!name.endsWith(suffix)) continue;
      const base = name.slice(0, -suffix.length);
      const info = source.metrics[base];
      if (info?.type === "histogram" || (info?.type === "summary" && suffix !== "_bucket")) return { base, info, source, suffix };
    }
  }
  return undefined;
}

/** rate()/increase() only make sense on monotonic series: counters and histogram/summary parts. */
export function isMonotonic(s: ResolvedSeries): boolean {
  return s.info.type === "counter" || s.suffix !== "";
}

/**
 * The labels a stored series can carry: the exporter's labels (a clash with a target label is
 * renamed `exported_<name>` because we keep `honor_labels: false`), `le` on buckets, plus the target
 * labels of every job that scrapes it.
 */
export function labelsAfterScrape(s: ResolvedSeries): Set<string> {
  const target = new Set<string>(s.source.jobs.flatMap((j) => jobTargetLabels[j]));
  const out = new Set<string>(target);
  for (const l of s.info.labels) out.add(target.has(l) ? `exported_${l}` : l);
  if (s.suffix === "_bucket") out.add("le");
  return out;
}
