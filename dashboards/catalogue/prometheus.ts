/** Series Prometheus writes itself for every target it scrapes (no exporter involved). */
import { gauge, type MetricCatalogue } from "./types";

export const scrapeMetrics: MetricCatalogue = {
  up: gauge(),
  scrape_duration_seconds: gauge(),
  scrape_samples_scraped: gauge(),
};
