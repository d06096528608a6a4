/**
 * Loki's configuration: one process (every Loki component in it), chunks and index on the pod's
 * own volume, no authentication, no replication, and no usage reports (pods have no route out and
 * must not try). Logs arrive over OTLP from the log collector; structured metadata is on because
 * OTLP ingestion keeps the attributes that are not labels there.
 */
import { stringify } from "yaml";
import { containerPorts } from "../topology/ports";

export interface LokiSettings {
  /** How long log lines are kept. */
  retentionHours: number;
  /** Where chunks, index and compactor state live (the pod's volume). */
  dataDir: string;
}

export function lokiConfig(s: LokiSettings): Record<string, unknown> {
  const dir = s.dataDir.replace(/\/+$/, "");
  return {
    auth_enabled: false,
    server: { http_listen_port: containerPorts.loki.http, grpc_listen_port: containerPorts.loki.grpc, log_level: "warn" },
    common: {
      instance_addr: "127.0.0.1",
      path_prefix: dir,
      storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
    },
    schema_config: {
      configs: [{ from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    limits_config: {
      allow_structured_metadata: true,
      retention_period: `${s.retentionHours}h`,
      // The collector reads every pod's log from its start, so lines can be older than Loki.
      reject_old_samples: false,
      // A localnet's pods log in bursts at start; the defaults suit a shared cluster, not this.
      ingestion_rate_mb: 16,
      ingestion_burst_size_mb: 32,
    },
    // Ready one second after the ring is (not fifteen): nothing here rolls Loki instances one by one.
    ingester: { lifecycler: { min_ready_duration: "1s" } },
    compactor: { working_directory: `${dir}/compactor`, retention_enabled: true, delete_request_store: "filesystem" },
    analytics: { reporting_enabled: false },
  };
}

export function lokiConfigYaml(s: LokiSettings): string {
  return stringify(lokiConfig(s), { lineWidth: 0 });
}
