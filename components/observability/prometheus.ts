/**
 * The Prometheus configuration, generated from the same typed stack config and port registry the
 * components use, so a scrape target exists exactly when its workload does.
 *
 * Choices (and why):
 * - Relayers and miners are StatefulSets: one static target per pod the config declares,
 *   `<sts>-<i>.<sts>.<ns>.svc.cluster.local:<port>` (per-pod DNS of the headless Service). Labels
 *   are known at generation time: `instance` = `pod` = `relayer-0`, `replica` = "0". No target for a
 *   replica that does not exist, and Prometheus needs no Kubernetes API access at all. (Debian's
 *   promtool, which CI validates with, is built without kubernetes_sd, so pod discovery could not
 *   even be checked there.) A pod that is not ready has no DNS record, so its target shows down.
 * - Backend: one replica is scraped through its Service. Several replicas are discovered by DNS
 *   (one A record per pod of a headless Service), because scraping a load-balancing Service would
 *   interleave the counters of several pods in one series.
 * - Redis uses the redis_exporter multi-target pattern: one target per Redis node (1 in standalone
 *   mode, shards x (1 + replicasPerShard) in cluster mode), each scraped through the exporter's
 *   `/scrape?target=redis://node:6379`. Per-node memory/clients/ops, and never a node the
 *   topology lacks.
 * - We never set a target label the exporters use themselves (`service_id`, `supplier`): with
 *   honor_labels off, a clash renames the exporter's label to `exported_<name>`.
 * - The validator (CometBFT :26660) and Prometheus itself are single static targets.
 */
import { stringify } from "yaml";
import type { LocalnetConfig } from "../config/schema";
import { podDns, serviceNames, serviceDns } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { redisNodeCount, redisNodeHosts } from "../redis/render";
import { scrapeJobs } from "../../dashboards/scrape-jobs";

export { scrapeJobs, jobTargetLabels, type ScrapeJob } from "../../dashboards/scrape-jobs";

/** Redis streams the exporter should report (`--check-streams`): the relayers' relay WALs. */
export const redisExporterStreamPattern = "ha:relays:*";

export interface ScrapeConfig {
  job_name: string;
  [key: string]: unknown;
}

/** One static target per StatefulSet pod that the topology declares, via the headless Service. */
function statefulSetJob(job: string, statefulSet: "relayer" | "miner", count: number, port: number, namespace: string): ScrapeConfig {
  return {
    job_name: job,
    static_configs: Array.from({ length: count }, (_, i) => ({
      targets: [`${podDns(statefulSet, i, namespace)}:${port}`],
      labels: { instance: `${serviceNames[statefulSet]}-${i}`, pod: `${serviceNames[statefulSet]}-${i}`, replica: String(i) },
    })),
  };
}

/**
 * Headless Service over the backend pods, used only for discovery when there are several replicas
 * (the `backend` Service itself stays a ClusterIP Service that load-balances relay traffic).
 */
export const backendPodsServiceName = `${serviceNames.backend}-metrics`;

/**
 * One backend pod: scrape it through the `backend` Service (instance "backend"). Several pods (a
 * Deployment, random names): a Service would interleave their counters in one series, so each pod
 * is found by DNS (one A record per ready pod of the headless backend-metrics Service) and told
 * apart by `instance` = podIP:9095.
 */
function backendJob(config: LocalnetConfig): ScrapeConfig {
  const port = containerPorts.backend.metrics;
  if (config.backend.replicas === 1) {
    return staticJob(scrapeJobs.backend, `${serviceDns(serviceNames.backend, config.namespace)}:${port}`, serviceNames.backend);
  }
  return {
    job_name: scrapeJobs.backend,
    dns_sd_configs: [{ names: [serviceDns(backendPodsServiceName, config.namespace)], type: "A", port }],
  };
}

/** The Redis nodes of the chosen topology: DNS name and pod name, in ordinal order. */
export function redisNodes(config: LocalnetConfig): Array<{ host: string; pod: string; replica: string }> {
  return redisNodeHosts(config.namespace, redisNodeCount(config.redis)).map((host, i) => ({
    host,
    pod: `${serviceNames.redis}-${i}`,
    replica: String(i),
  }));
}

function redisJob(config: LocalnetConfig): ScrapeConfig {
  const exporter = `${serviceDns(serviceNames.redisExporter, config.namespace)}:${containerPorts.redisExporter.metrics}`;
  return {
    job_name: scrapeJobs.redis,
    metrics_path: "/scrape",
    static_configs: redisNodes(config).map((n) => ({
      targets: [`${n.host}:${containerPorts.redis.redis}`],
      labels: { pod: n.pod, replica: n.replica },
    })),
    relabel_configs: [
      // The node address becomes ?target=redis://host:port, and the request goes to the exporter.
      { source_labels: ["__address__"], target_label: "__param_target", replacement: "redis://$1" },
      { source_labels: ["pod"], target_label: "instance" },
      { target_label: "__address__", replacement: exporter },
    ],
  };
}

function staticJob(job: string, target: string, instance: string): ScrapeConfig {
  return { job_name: job, static_configs: [{ targets: [target], labels: { instance } }] };
}

/** Scrape timeout: at most the interval (Prometheus rejects a longer one), at most 10 s. */
function timeoutSeconds(interval: number): number {
  return Math.min(interval, 10);
}

/** The Prometheus configuration object for a topology (see prometheusConfigYaml). */
export function prometheusConfig(config: LocalnetConfig): { global: Record<string, string>; scrape_configs: ScrapeConfig[] } {
  const ns = config.namespace;
  const interval = config.observability.scrapeIntervalSeconds;
  const jobs: ScrapeConfig[] = [
    staticJob(scrapeJobs.prometheus, `localhost:${containerPorts.prometheus.http}`, serviceNames.prometheus),
    staticJob(
      scrapeJobs.validator,
      `${serviceDns(serviceNames.validator, ns)}:${containerPorts.validator.metrics}`,
      serviceNames.validator,
    ),
  ];
  if (config.redis.enabled) jobs.push(redisJob(config));
  if (config.relayer.count > 0) {
    jobs.push(statefulSetJob(scrapeJobs.relayers, "relayer", config.relayer.count, containerPorts.relayer.metrics, ns));
  }
  if (config.miner.count > 0) {
    jobs.push(statefulSetJob(scrapeJobs.miners, "miner", config.miner.count, containerPorts.miner.metrics, ns));
  }
  if (config.backend.enabled) jobs.push(backendJob(config));
  return {
    global: {
      scrape_interval: `${interval}s`,
      scrape_timeout: `${timeoutSeconds(interval)}s`,
      evaluation_interval: `${interval}s`,
    },
    scrape_configs: jobs,
  };
}

/** prometheus.yml text: same input, same bytes (insertion-ordered keys, no timestamps). */
export function prometheusConfigYaml(config: LocalnetConfig): string {
  const header = "# Generated by dashboards/prometheus.ts from the stack config; do not edit.\n";
  return header + stringify(prometheusConfig(config), { lineWidth: 0 });
}
