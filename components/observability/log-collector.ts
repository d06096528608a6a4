/**
 * The log collector's configuration (an OpenTelemetry Collector): read the container log files
 * the kubelet writes for the localnet's pods, parse the runtime's line format, and send the lines
 * to Loki over OTLP. The container parser takes the namespace, pod, pod uid, container and restart
 * count from each file's path (`<logs>/<namespace>_<pod>_<uid>/<container>/<n>.log`), so the
 * collector needs no Kubernetes API access; Loki keeps namespace, pod and container as labels.
 */
import { stringify } from "yaml";
import { containerPorts } from "../topology/ports";

export interface CollectorSettings {
  /** Only this namespace's pods are read. */
  namespace: string;
  /** Loki's OTLP endpoint base, e.g. http://loki.<ns>.svc.cluster.local:3100/otlp. */
  lokiOtlpUrl: string;
  /** The kubelet's pod log directory on the node. */
  podLogsDir: string;
  /** Memory the collector may use before it refuses data (MiB). */
  memoryLimitMib: number;
}

export function collectorConfig(s: CollectorSettings): Record<string, unknown> {
  const dir = s.podLogsDir.replace(/\/+$/, "");
  return {
    receivers: {
      filelog: {
        include: [`${dir}/${s.namespace}_*/*/*.log`],
        // From the start of each file: a pod's first lines (its start-up) are the ones most read.
        start_at: "beginning",
        include_file_path: true,
        include_file_name: false,
        operators: [{ type: "container", id: "container-parser" }],
      },
    },
    processors: {
      memory_limiter: { check_interval: "1s", limit_mib: s.memoryLimitMib, spike_limit_mib: Math.max(8, Math.floor(s.memoryLimitMib / 5)) },
      batch: { send_batch_size: 1000, timeout: "1s" },
    },
    exporters: { otlphttp: { endpoint: s.lokiOtlpUrl, retry_on_failure: { enabled: true, max_elapsed_time: "10m" } } },
    extensions: { health_check: { endpoint: `0.0.0.0:${containerPorts.logCollector.health}` } },
    service: {
      extensions: ["health_check"],
      pipelines: { logs: { receivers: ["filelog"], processors: ["memory_limiter", "batch"], exporters: ["otlphttp"] } },
      telemetry: {
        logs: { level: "warn" },
        metrics: { readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: containerPorts.logCollector.metrics } } } }] },
      },
    },
  };
}

export function collectorConfigYaml(s: CollectorSettings): string {
  return stringify(collectorConfig(s), { lineWidth: 0 });
}
