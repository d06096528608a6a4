/**
 * Relayers: throughput, latency percentiles, errors by service and RPC type, validation, relay
 * metering and backend health. Every query is filtered by the `service_id` and `replica` variables.
 */
import type { DashboardSpec } from "./lib/dashboard";
import { stat, timeseries } from "./lib/panels";
import { isVar, max, min, nre, quantile, ratio, sel, sum, sumRate } from "./lib/promql";

const onlyHealthChecks = "only when a backend of the service has health_check enabled in relayer.config (the localnet does not enable it)";
import { cacheSection, logsSection, processSection } from "./process";
import { replicaFilter, replicaTargetsStat, replicaVariable } from "./replicas";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";

/** Every relayer query is narrowed to the selected services and replicas. */
const svc = [isVar("service_id"), isVar("replica")];
/** For metrics without a service_id label. */
const rep = replicaFilter;

const p = (q: number) => `p${Math.round(q * 100)}`;

export function relayerDashboard(): DashboardSpec {
  return {
    uid: dashboardUids.relayer,
    title: "Localnet / Relayers",
    description: "pocket-relay-miner relayers: RPS, latency, errors, validation, backend health.",
    tags: ["relayer"],
    links: crossLinks,
    variables: [{ name: "service_id", label: "Service", selector: "ha_relayer_relays_received_total" }, replicaVariable(scrapeJobs.relayers)],
    sections: [
      {
        title: "Replicas",
        panels: [
          replicaTargetsStat("Relayer targets", scrapeJobs.relayers, 12),
          stat({ title: "Active connections", queries: [{ expr: sum(sel("ha_relayer_active_connections", ...rep), ["pod"]), legend: "{{pod}}" }], w: 6 }),
          stat({ title: "Block height seen", queries: [{ expr: max(sel("ha_relayer_current_block_height", ...rep), ["pod"]), legend: "{{pod}}" }], w: 6 }),
        ],
      },
      {
        title: "Throughput",
        panels: [
          timeseries({
            title: "Relays received by service",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_received_total", ["service_id"], ...svc), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Relays received by RPC type",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_received_total", ["rpc_type"], ...svc), legend: "{{rpc_type}}" }],
          }),
          timeseries({
            title: "Relays served by status code",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_served_total", ["status_code"], ...svc), legend: "{{status_code}}" }],
          }),
          timeseries({ title: "Relays received by replica", unit: "reqps", queries: [{ expr: sumRate("ha_relayer_relays_received_total", ["pod"], ...svc), legend: "{{pod}}" }] }),
          timeseries({
            title: "Relays mined and published",
            description: "Relays that meet the mining difficulty are published to the supplier's Redis stream for the miners.",
            unit: "reqps",
            queries: [
              { expr: sumRate("ha_relayer_relays_mined_total", ["service_id"], ...svc), legend: "mined {{service_id}}" },
              { expr: sumRate("ha_relayer_relays_published_total", ["service_id"], ...svc), legend: "published {{service_id}}" },
              { expr: sumRate("ha_relayer_relays_skipped_difficulty_total", ["service_id"], ...svc), legend: "below difficulty {{service_id}}" },
            ],
          }),
          timeseries({
            title: "Mining difficulty target by service",
            description: "Leading zero bits a relay hash needs to be mined (published for a claim); the localnet's base difficulty mines every relay.",
            queries: [{ expr: max(sel("ha_query_relay_mining_difficulty_target_bits", isVar("service_id")), ["service_id"]), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Difficulty queries that failed",
            description: "The relayer could not read a service's difficulty and mined the relay anyway (it fails open).",
            mayBeEmpty: "only when the difficulty query fails; counted by relay-miner releases newer than the build the recorded metrics come from",
            unit: "ops",
            queries: [{ expr: sumRate("ha_relayer_difficulty_query_failures_total", ["service_id"], ...svc), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Inbound requests by HTTP protocol",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_inbound_requests_by_proto_total", ["proto"], ...rep), legend: "{{proto}}" }],
          }),
        ],
      },
      {
        title: "Latency",
        panels: [
          timeseries({
            title: "Relay latency percentiles",
            unit: "s",
            queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, "ha_relayer_relay_latency_seconds", [], ...svc), legend: p(q) })),
          }),
          timeseries({
            title: "Relay latency p95 by service",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_relayer_relay_latency_seconds", ["service_id"], ...svc), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Relay latency p95 by RPC type",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_relayer_relay_latency_seconds", ["rpc_type"], ...svc), legend: "{{rpc_type}}" }],
          }),
          timeseries({
            title: "Where the time goes (p95)",
            description: "Before the backend call (parse, meter, eager validation), the backend itself, and after it (signing, publishing).",
            unit: "s",
            queries: [
              { expr: quantile(0.95, "ha_relayer_relay_pre_backend_seconds", [], ...svc), legend: "pre-backend" },
              { expr: quantile(0.95, "ha_relayer_backend_latency_seconds", [], ...svc), legend: "backend" },
              { expr: quantile(0.95, "ha_relayer_relay_post_backend_seconds", [], ...svc), legend: "post-backend" },
            ],
          }),
        ],
      },
      {
        title: "Errors",
        panels: [
          timeseries({
            title: "Rejected by service and reason",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_rejected_total", ["service_id", "reason"], ...svc), legend: "{{service_id}} {{reason}}" }],
          }),
          timeseries({
            title: "Rejected by RPC type and reason",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_rejected_total", ["rpc_type", "reason"], ...svc), legend: "{{rpc_type}} {{reason}}" }],
          }),
          timeseries({
            title: "Served with a non-2xx status",
            description:
              "The backend's answer passed on with its status. Backend 5xx answers and network errors are rejected instead (reasons backend_5xx, backend_network_error).",
            mayBeEmpty: "only when a backend answers 4xx (e.g. a fault rule with http_status 429)",
            unit: "reqps",
            queries: [
              { expr: sumRate("ha_relayer_relays_served_total", ["service_id", "status_code"], ...svc, nre("status_code", "2..")), legend: "{{service_id}} {{status_code}}" },
            ],
          }),
          timeseries({
            title: "Rejected share by service",
            description: "Rejected relays over received relays; 0 for a service with traffic and no rejection.",
            unit: "percentunit",
            max: 1,
            queries: [
              {
                expr: ratio(
                  `${sumRate("ha_relayer_relays_rejected_total", ["service_id"], ...svc)} or ${sumRate("ha_relayer_relays_received_total", ["service_id"], ...svc)} * 0`,
                  sumRate("ha_relayer_relays_received_total", ["service_id"], ...svc),
                ),
                legend: "{{service_id}}",
              },
            ],
          }),
          timeseries({
            title: "Dropped relays by reason",
            description: "Relays answered but not mined: validation or metering failed after the answer (optimistic mode).",
            mayBeEmpty: "only when a served relay fails its late validation or metering",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_dropped_total", ["service_id", "reason"], ...svc), legend: "{{service_id}} {{reason}}" }],
          }),
          timeseries({
            title: "Backend not configured for transport",
            mayBeEmpty: "only when a relay arrives over a transport the service has no backend for",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_backend_missing_total", ["service_id", "rpc_type"], ...svc), legend: "{{service_id}} {{rpc_type}}" }],
          }),
        ],
      },
      {
        title: "Validation and metering",
        panels: [
          timeseries({
            title: "Validation failures by reason",
            mayBeEmpty: "only for relays that fail validation (signature, session, application)",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_validation_failures_total", ["service_id", "reason"], ...svc), legend: "{{service_id}} {{reason}}" }],
          }),
          timeseries({
            title: "Validation latency p95 by mode",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_relayer_validation_latency_seconds", ["mode"], ...svc), legend: "{{mode}}" }],
          }),
          timeseries({
            title: "Served before the supplier registry was filled",
            description:
              "Relays for a supplier whose key this relayer holds, served in the boot window before the supplier registry lists it; the miner decides whether they are claimed.",
            mayBeEmpty: "only in the first seconds after a relayer starts; a lasting rate means the registry is not being filled",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_relays_served_optimistically_total", ["service_id"], ...svc), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Relay meter consumptions by result",
            unit: "ops",
            queries: [{ expr: sumRate("ha_relayer_relay_meter_consumptions_total", ["service_id", "result"], ...svc), legend: "{{service_id}} {{result}}" }],
          }),
          timeseries({
            title: "Metered sessions active",
            queries: [{ expr: sum(sel("ha_relayer_relay_meter_sessions_active", ...svc), ["service_id"]), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Relay meter Redis errors",
            mayBeEmpty: "only when the relay meter cannot use Redis",
            unit: "ops",
            queries: [{ expr: sumRate("ha_relayer_relay_meter_redis_errors_total", ["operation"], ...rep), legend: "{{operation}}" }],
          }),
        ],
      },
      {
        title: "Backend health",
        panels: [
          stat({
            title: "Backend health by endpoint",
            description: "The relayer's own health checks of each configured backend (1 = healthy; worst replica shown).",
            mayBeEmpty: onlyHealthChecks,
            queries: [{ expr: min(sel("ha_relayer_backend_health_status", ...svc), ["service_id", "endpoint"]), legend: "{{service_id}} {{endpoint}}" }],
            mappings: [
              { value: 1, text: "healthy", color: "green" },
              { value: 0, text: "unhealthy", color: "red" },
            ],
            w: 24,
          }),
          timeseries({
            title: "Backend requests by outcome",
            unit: "reqps",
            queries: [{ expr: sumRate("ha_relayer_backend_requests_total", ["service_id", "outcome"], ...svc), legend: "{{service_id}} {{outcome}}" }],
          }),
          timeseries({
            title: "Health check failures",
            mayBeEmpty: onlyHealthChecks,
            unit: "ops",
            queries: [{ expr: sumRate("ha_relayer_health_check_failures_total", ["service_id", "endpoint"], ...svc), legend: "{{service_id}} {{endpoint}}" }],
          }),
          timeseries({
            title: "Backend connection pool in flight",
            queries: [{ expr: sum(sel("ha_relayer_http_pool_in_flight", ...svc), ["service_id"]), legend: "{{service_id}}" }],
          }),
          timeseries({
            title: "Backend pool wait p95",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_relayer_http_pool_wait_seconds", ["service_id"], ...svc), legend: "{{service_id}}" }],
          }),
        ],
      },
      cacheSection(),
      processSection(),
      logsSection("relayer"),
    ],
  };
}
