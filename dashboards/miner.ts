/**
 * Miners: who leads, how suppliers are spread, relays consumed from the Redis streams, SMST work,
 * claims and proofs (submitted, failed, included), and the session lifecycle. Filtered by the
 * `supplier`, `service_id` and `replica` variables where the metric has those labels.
 */
import type { DashboardSpec } from "./lib/dashboard";
import { stat, timeseries } from "./lib/panels";
import { increase, isVar, max, quantile, re, sel, sum, sumRate } from "./lib/promql";
import { cacheSection, logsSection, processSection } from "./process";
import { replicaFilter, replicaTargetsStat, replicaVariable } from "./replicas";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";

const rep = replicaFilter;
const sup = [isVar("supplier"), ...rep];
const supSvc = [isVar("supplier"), isVar("service_id"), ...rep];
/** The relay streams (`ha:relays:<supplier>`, `{ha}:relays:…` in cluster mode) of the selected suppliers. */
const streams = re("stream", ".*:relays:${supplier}");
/** A per-stream series labelled with the supplier the stream belongs to. */
const supplierOfStream = (expr: string) => `label_replace(${expr}, "supplier", "$1", "stream", ".*:relays:(.*)")`;

export function minerDashboard(): DashboardSpec {
  return {
    uid: dashboardUids.miner,
    title: "Localnet / Miners",
    description: "pocket-relay-miner miners: leader, relays consumed, SMST, claims, proofs, sessions.",
    tags: ["miner"],
    links: crossLinks,
    variables: [
      { name: "supplier", label: "Supplier", selector: "ha_miner_relays_consumed_from_stream_total" },
      { name: "service_id", label: "Service", selector: "ha_miner_relays_consumed_from_stream_total" },
      replicaVariable(scrapeJobs.miners),
    ],
    sections: [
      {
        title: "Leader and replicas",
        panels: [
          replicaTargetsStat("Miner targets", scrapeJobs.miners, 8),
          stat({
            title: "Leader",
            description: "The global leader publishes block events and refreshes caches; exactly one should lead.",
            queries: [{ expr: max(sel("ha_miner_leader_status", ...rep), ["pod"]), legend: "{{pod}}" }],
            mappings: [
              { value: 1, text: "LEADER", color: "green" },
              { value: 0, text: "standby", color: "text" },
            ],
            w: 8,
          }),
          stat({ title: "Leader changes in range", queries: [{ expr: sum(increase(sel("ha_miner_leader_elections_total", ...rep)), ["pod"]), legend: "{{pod}}" }], w: 8 }),
          timeseries({
            title: "Suppliers claimed per miner",
            description: "Suppliers are spread across miners with leases; claimed count should approach the fair share.",
            queries: [
              { expr: max(sel("ha_miner_supplier_claimed_count", ...rep), ["pod"]), legend: "claimed {{pod}}" },
              { expr: max(sel("ha_miner_supplier_fair_share", ...rep), ["pod"]), legend: "fair share {{pod}}" },
            ],
          }),
          timeseries({
            title: "Leader acquisition failures",
            description: "Attempts to take or renew the leader lock that failed with an error; a standby waiting for the lock is not one.",
            mayBeEmpty: "only when taking the leader lock errors (Redis unreachable, a lost lock)",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_leader_acquisition_failures_total", ["pod", "reason"], ...rep), legend: "{{pod}} {{reason}}" }],
          }),
        ],
      },
      {
        title: "Relays consumed",
        panels: [
          timeseries({
            title: "Relays consumed from stream by supplier",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_relays_consumed_from_stream_total", ["supplier"], ...supSvc), legend: "{{supplier}}" }],
          }),
          timeseries({
            title: "Relays consumed by replica",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_relays_consumed_from_stream_total", ["pod"], ...supSvc), legend: "{{pod}}" }],
          }),
          timeseries({
            title: "Relays added to SMST / rejected / failed",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_relays_added_to_smst_total", ["service_id"], ...supSvc), legend: "added {{service_id}}" },
              { expr: sumRate("ha_miner_relays_rejected_total", ["service_id"], ...supSvc), legend: "rejected {{service_id}}" },
              { expr: sumRate("ha_miner_relays_failed_smst_total", ["service_id"], ...supSvc), legend: "failed {{service_id}}" },
            ],
          }),
          timeseries({
            title: "Relays waiting in each supplier's stream",
            description:
              "Entries in ha:relays:<supplier> (Redis, through redis_exporter) and those delivered to a miner but not acknowledged yet; both drain to 0 when the miners keep up.",
            queries: [
              { expr: supplierOfStream(max(sel("redis_stream_length", streams), ["stream"])), legend: "waiting {{supplier}}" },
              { expr: supplierOfStream(max(sel("redis_stream_group_messages_pending", streams), ["stream"])), legend: "pending {{supplier}}" },
            ],
          }),
          timeseries({
            title: "Relay processing latency p95",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_miner_relay_processing_latency_seconds", ["service_id"], ...supSvc), legend: "{{service_id}}" }],
          }),
        ],
      },
      {
        title: "SMST",
        panels: [
          timeseries({
            title: "SMST Redis operations by operation",
            unit: "ops",
            queries: [{ expr: sumRate("ha_smst_redis_operations_total", ["operation", "result"], ...rep), legend: "{{operation}} {{result}}" }],
          }),
          timeseries({
            title: "SMST operation latency p95",
            unit: "s",
            queries: [{ expr: quantile(0.95, "ha_smst_redis_operation_duration_seconds", ["operation"], ...rep), legend: "{{operation}}" }],
          }),
          timeseries({
            title: "SMST Redis errors",
            mayBeEmpty: "only when a session tree operation fails in Redis",
            unit: "ops",
            queries: [{ expr: sumRate("ha_smst_redis_errors_total", ["operation", "error_type"], ...rep), legend: "{{operation}} {{error_type}}" }],
          }),
          timeseries({
            title: "Next claim and proof heights",
            description: "The heights the miner scheduled each session's claim and proof for, against the chain's height.",
            queries: [
              { expr: max(sel("ha_miner_claim_scheduled_height", ...supSvc), ["supplier"]), legend: "claim {{supplier}}" },
              { expr: max(sel("ha_miner_proof_scheduled_height", ...supSvc), ["supplier"]), legend: "proof {{supplier}}" },
              { expr: max(sel("ha_miner_current_block_height", ...rep)), legend: "chain" },
            ],
          }),
        ],
      },
      {
        title: "Claims and proofs",
        panels: [
          timeseries({
            title: "Claims submitted / failed",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_claims_submitted_total", ["supplier"], ...supSvc), legend: "submitted {{supplier}}" },
              { expr: sumRate("ha_miner_claim_errors_total", ["supplier"], ...sup), legend: "failed {{supplier}}" },
            ],
          }),
          timeseries({
            title: "Proofs submitted / failed",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_proofs_submitted_total", ["supplier"], ...supSvc), legend: "submitted {{supplier}}" },
              { expr: sumRate("ha_miner_proof_errors_total", ["supplier"], ...sup), legend: "failed {{supplier}}" },
            ],
          }),
          stat({
            title: "Claims / proofs in range",
            queries: [
              { expr: sum(increase(sel("ha_miner_claims_submitted_total", ...supSvc))), legend: "claims submitted" },
              { expr: sum(increase(sel("ha_miner_claim_errors_total", ...sup))), legend: "claim errors" },
              { expr: sum(increase(sel("ha_miner_proofs_submitted_total", ...supSvc))), legend: "proofs submitted" },
              { expr: sum(increase(sel("ha_miner_proof_errors_total", ...sup))), legend: "proof errors" },
            ],
            w: 24,
          }),
          timeseries({
            title: "Claim inclusion outcome",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_claim_inclusion_outcome_total", ["outcome"], ...supSvc), legend: "{{outcome}}" }],
          }),
          timeseries({
            title: "Proof inclusion outcome",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_proof_inclusion_outcome_total", ["outcome"], ...supSvc), legend: "{{outcome}}" }],
          }),
          timeseries({
            title: "Relays claimed / proved by service",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_relays_claimed_total", ["service_id"], ...supSvc), legend: "claimed {{service_id}}" },
              { expr: sumRate("ha_miner_relays_proved_total", ["service_id"], ...supSvc), legend: "proved {{service_id}}" },
            ],
          }),
          timeseries({
            title: "Settled on chain",
            description: "Settlements of the selected suppliers' claims, read from the chain by the chain exporter (the Relay path board has the whole path).",
            queries: [
              {
                expr: sum(increase(sel("localnet_chain_settlements_total", isVar("supplier"), isVar("service_id")), "1m"), ["proof_requirement"]),
                legend: "{{proof_requirement}}",
              },
            ],
          }),
          timeseries({
            title: "Proofs required, by reason",
            description: "Sessions whose claim needs a proof: above the proof threshold, or picked by the proof probability.",
            queries: [{ expr: sum(increase(sel("ha_miner_proof_requirement_required_total", ...sup), "1m"), ["reason"]), legend: "{{reason}}" }],
          }),
        ],
      },
      {
        title: "Sessions",
        panels: [
          timeseries({
            title: "Sessions created / proved / failed",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_sessions_created_total", [], ...supSvc), legend: "created" },
              { expr: sumRate("ha_miner_sessions_proved_total", [], ...supSvc), legend: "proved" },
              { expr: sumRate("ha_miner_sessions_failed_total", [], ...supSvc), legend: "failed" },
            ],
          }),
          timeseries({
            title: "Session state transitions",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_session_state_transitions_total", ["to_state"], ...supSvc), legend: "→ {{to_state}}" }],
          }),
          timeseries({
            title: "Block height and processing lag",
            queries: [
              { expr: max(sel("ha_miner_current_block_height", ...rep), ["pod"]), legend: "height {{pod}}" },
              { expr: max(sel("ha_miner_session_block_processing_lag", ...sup), ["supplier"]), legend: "lag {{supplier}}" },
            ],
          }),
          timeseries({
            title: "Session transition queue depth",
            queries: [{ expr: max(sel("ha_miner_session_transition_queue_depth", ...sup), ["supplier"]), legend: "{{supplier}}" }],
          }),
        ],
      },
      cacheSection(),
      processSection(),
      logsSection("miner"),
    ],
  };
}
