/**
 * oliver006/redis_exporter metrics the Redis dashboard uses (v1.x names). The stream families only
 * exist when the exporter runs with `--check-streams` (we ask for the relay WAL streams
 * `ha:relays:*`). In the multi-target pattern (`/scrape?target=`) every series describes the one
 * node named by the target; Prometheus adds `instance`/`pod`.
 */
import { counter, gauge, type MetricCatalogue } from "./types";

export const redisExporterMetrics: MetricCatalogue = {
  redis_up: gauge(),
  redis_instance_info: gauge("role", "redis_version", "redis_build_id", "redis_mode", "os", "maxmemory_policy", "tcp_port", "run_id", "process_id", "master_replid"),
  redis_uptime_in_seconds: gauge(),
  redis_connected_clients: gauge(),
  redis_blocked_clients: gauge(),
  redis_connected_slaves: gauge(),
  redis_memory_used_bytes: gauge(),
  redis_memory_max_bytes: gauge(),
  redis_memory_used_rss_bytes: gauge(),
  redis_commands_processed_total: counter(),
  redis_commands_total: counter("cmd"),
  redis_commands_duration_seconds_total: counter("cmd"),
  redis_connections_received_total: counter(),
  redis_rejected_connections_total: counter(),
  redis_net_input_bytes_total: counter(),
  redis_net_output_bytes_total: counter(),
  redis_keyspace_hits_total: counter(),
  redis_keyspace_misses_total: counter(),
  redis_expired_keys_total: counter(),
  redis_evicted_keys_total: counter(),
  redis_db_keys: gauge("db"),
  redis_db_keys_expiring: gauge("db"),
  redis_stream_length: gauge("db", "stream"),
  redis_stream_groups: gauge("db", "stream"),
  redis_stream_group_consumers: gauge("db", "stream", "group"),
  redis_stream_group_messages_pending: gauge("db", "stream", "group"),
};
