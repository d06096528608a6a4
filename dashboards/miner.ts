/**
 * Miners: who leads, how suppliers are spread, relays consumed from the Redis streams, SMST work,
 * claims and proofs (submitted, failed, included), and the session lifecycle. Filtered by the
 * `supplier`, `service_id` and `replica` variables where the metric has those labels.
 */
import { buildDashboard } from "./lib/dashboard";
import { stat, timeseries } from "./lib/panels";
import { increase, isVar, max, quantile, sel, sum, sumRate } from "./lib/promql";
import { replicaFilter, replicaTargetsStat, replicaVariable } from "./replicas";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";

const rep = replicaFilter;
const sup = [isVar("supplier"), ...rep];
const supSvc = [isVar("supplier"), isVar("service_id"), ...rep];

export function minerDashboard() {
  return buildDashboard({
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
          timeseries({ title: "Stream consumer lag by supplier", queries: [{ expr: max(sel("ha_miner_consumer_lag", ...sup), ["supplier"]), legend: "{{supplier}}" }] }),
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
            unit: "ops",
            queries: [{ expr: sumRate("ha_smst_redis_errors_total", ["operation", "error_type"], ...rep), legend: "{{operation}} {{error_type}}" }],
          }),
          timeseries({ title: "Session trees active by supplier", queries: [{ expr: sum(sel("ha_miner_session_trees_active", ...sup), ["supplier"]), legend: "{{supplier}}" }] }),
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
            title: "Settlement by status",
            unit: "ops",
            queries: [{ expr: sumRate("ha_miner_claims_settled_by_status_total", ["status"], ...supSvc), legend: "{{status}}" }],
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
    ],
  });
}
