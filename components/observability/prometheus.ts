/**
 * The Prometheus configuration, generated from the topology the other parts are built from (replica
 * counts, Redis nodes) and the port registry, so a scrape target exists exactly when its workload
 * does.
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
 * - The validator (CometBFT :26660), the chain exporter and Prometheus itself are single static
 *   targets.
 */
import { stringify } from "yaml";
import { podDns, serviceNames, serviceDns } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { scrapeJobs } from "../../dashboards";

/** What there is to scrape. */
export interface ScrapeTopology {
  namespace: string;
  scrapeIntervalSeconds: number;
  /** Relayer pods (0: none). */
  relayers: number;
  /** Miner pods (0: none). */
  miners: number;
  /** In-cluster host names of the Redis nodes, in ordinal order (empty: Redis is off). */
  redisNodes: string[];
  /** Backend pods (0: the backend is off). */
  backendReplicas: number;
  /** The chain exporter runs (it follows the validator). */
  chainExporter: boolean;
}

interface ScrapeConfig {
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
 * One backend pod: scrape it through the `backend` Service (instance "backend"). Several pods (a
 * Deployment, random names): a Service would interleave their counters in one series, so each pod
 * is found by DNS (one A record per ready pod of the headless backend-metrics Service) and told
 * apart by `instance` = podIP:9095.
 */
function backendJob(t: ScrapeTopology): ScrapeConfig {
  const port = containerPorts.backend.metrics;
  if (t.backendReplicas === 1) {
    return staticJob(scrapeJobs.backend, `${serviceDns(serviceNames.backend, t.namespace)}:${port}`, serviceNames.backend);
  }
  return {
    job_name: scrapeJobs.backend,
    dns_sd_configs: [{ names: [serviceDns(serviceNames.backendMetrics, t.namespace)], type: "A", port }],
  };
}

function redisJob(t: ScrapeTopology): ScrapeConfig {
  const exporter = `${serviceDns(serviceNames.redisExporter, t.namespace)}:${containerPorts.redisExporter.metrics}`;
  return {
    job_name: scrapeJobs.redis,
    metrics_path: "/scrape",
    static_configs: t.redisNodes.map((host, i) => ({
      targets: [`${host}:${containerPorts.redis.redis}`],
      labels: { pod: `${serviceNames.redis}-${i}`, replica: String(i) },
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
export function prometheusConfig(t: ScrapeTopology): { global: Record<string, string>; scrape_configs: ScrapeConfig[] } {
  const ns = t.namespace;
  const interval = t.scrapeIntervalSeconds;
  const jobs: ScrapeConfig[] = [
    staticJob(scrapeJobs.prometheus, `localhost:${containerPorts.prometheus.http}`, serviceNames.prometheus),
    staticJob(scrapeJobs.validator, `${serviceDns(serviceNames.validator, ns)}:${containerPorts.validator.metrics}`, serviceNames.validator),
  ];
  if (t.chainExporter) {
    jobs.push(staticJob(scrapeJobs.chain, `${serviceDns(serviceNames.chainExporter, ns)}:${containerPorts.chainExporter.metrics}`, serviceNames.chainExporter));
  }
  if (t.redisNodes.length > 0) jobs.push(redisJob(t));
  if (t.relayers > 0) jobs.push(statefulSetJob(scrapeJobs.relayers, "relayer", t.relayers, containerPorts.relayer.metrics, ns));
  if (t.miners > 0) jobs.push(statefulSetJob(scrapeJobs.miners, "miner", t.miners, containerPorts.miner.metrics, ns));
  if (t.backendReplicas > 0) jobs.push(backendJob(t));
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
export function prometheusConfigYaml(t: ScrapeTopology): string {
  // The header names the file this came from before the code moved; kept byte for byte, since a
  // changed prometheus.yml restarts Prometheus (and its in-memory history goes).
  const header = "# Generated by dashboards/prometheus.ts from the stack config; do not edit.\n";
  return header + stringify(prometheusConfig(t), { lineWidth: 0 });
}
