/**
 * Localnet overview: is everything up, do relays flow end to end (backend → relayer → Redis stream
 * → miner SMST), what fails, who leads, and does the chain advance.
 */
import type { DashboardSpec } from "./lib/dashboard";
import { logs, stat, timeseries, upMappings } from "./lib/panels";
import { count, eq, histogramMean, max, orZero, quantile, sel, sum, sumRate } from "./lib/promql";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";
import { containerLogs, podLabel, problems } from "./logql";

const up = "up";

export function overviewDashboard(): DashboardSpec {
  return {
    uid: dashboardUids.overview,
    title: "Localnet / Overview",
    description: "Health and end-to-end flow of the relayminer localnet.",
    tags: ["overview"],
    links: crossLinks,
    variables: [],
    sections: [
      {
        title: "Is everything up",
        panels: [
          stat({ title: "Targets up", queries: [{ expr: orZero(count(`${up} == 1`)), legend: "up" }], w: 4, thresholds: [{ value: null, color: "green" }] }),
          stat({
            title: "Targets down",
            queries: [{ expr: orZero(count(`${up} == 0`)), legend: "down" }],
            w: 4,
            thresholds: [
              { value: null, color: "green" },
              { value: 1, color: "red" },
            ],
          }),
          stat({
            title: "Scrape targets",
            description: "One tile per target: relayers and miners per pod, Redis per node, backend per pod IP.",
            queries: [{ expr: max(up, ["job", "instance"]), legend: "{{job}} {{instance}}" }],
            mappings: upMappings,
            w: 16,
            h: 6,
          }),
        ],
      },
      {
        title: "Relays end to end",
        panels: [
          timeseries({
            title: "Relays per second through each stage",
            description: "Received and served by relayers, published to Redis streams, consumed and added to SMSTs by miners, and requests answered by the backend.",
            unit: "reqps",
            queries: [
              { expr: sumRate("ha_relayer_relays_received_total", []), legend: "relayer received" },
              { expr: sumRate("ha_relayer_relays_served_total", []), legend: "relayer served" },
              { expr: sumRate("ha_relayer_relays_published_total", []), legend: "published to Redis" },
              { expr: sumRate("ha_miner_relays_consumed_from_stream_total", []), legend: "miner consumed" },
              { expr: sumRate("ha_miner_relays_added_to_smst_total", []), legend: "added to SMST" },
              { expr: sumRate("demo_requests_total", []), legend: "backend requests" },
            ],
            w: 16,
          }),
          timeseries({
            title: "Relay latency (relayer, p50 / p95)",
            unit: "s",
            queries: [
              { expr: quantile(0.5, "ha_relayer_relay_latency_seconds", []), legend: "p50" },
              { expr: quantile(0.95, "ha_relayer_relay_latency_seconds", []), legend: "p95" },
            ],
            w: 8,
          }),
        ],
      },
      {
        title: "Errors",
        panels: [
          timeseries({
            title: "Relayer errors per second",
            unit: "reqps",
            queries: [
              { expr: sumRate("ha_relayer_relays_rejected_total", ["reason"]), legend: "rejected: {{reason}}" },
              { expr: sumRate("ha_relayer_validation_failures_total", ["reason"]), legend: "validation: {{reason}}" },
              { expr: sumRate("ha_relayer_relays_dropped_total", ["reason"]), legend: "dropped: {{reason}}" },
            ],
            w: 8,
          }),
          timeseries({
            title: "Miner errors per second",
            unit: "ops",
            queries: [
              { expr: sumRate("ha_miner_relays_failed_smst_total", []), legend: "SMST update failed" },
              { expr: sumRate("ha_miner_claim_errors_total", []), legend: "claim errors" },
              { expr: sumRate("ha_miner_proof_errors_total", []), legend: "proof errors" },
              { expr: sumRate("ha_tx_broadcasts_total", ["status"]), legend: "tx broadcast {{status}}" },
            ],
            w: 8,
          }),
          timeseries({
            title: "Backend answers by outcome",
            description: "`injected` = a configured fault fired; anything else that is not `ok` is a real error.",
            unit: "reqps",
            queries: [{ expr: sumRate("demo_requests_total", ["outcome"]), legend: "{{outcome}}" }],
            w: 8,
          }),
        ],
      },
      {
        title: "Leader and chain",
        panels: [
          stat({
            title: "Miner leader",
            description: "Exactly one miner should show LEADER.",
            queries: [{ expr: max(sel("ha_miner_leader_status", eq("job", scrapeJobs.miners)), ["pod"]), legend: "{{pod}}" }],
            mappings: [
              { value: 1, text: "LEADER", color: "green" },
              { value: 0, text: "standby", color: "text" },
            ],
            w: 8,
          }),
          stat({ title: "Block height (validator)", queries: [{ expr: max("cometbft_consensus_height"), legend: "height" }], w: 4 }),
          stat({ title: "Block height (miner view)", queries: [{ expr: max("ha_miner_current_block_height"), legend: "height" }], w: 4 }),
          stat({
            title: "Block interval (mean)",
            unit: "s",
            queries: [{ expr: histogramMean("cometbft_consensus_block_interval_seconds", []), legend: "interval" }],
            w: 4,
          }),
          stat({
            title: "Relays in Redis streams",
            description: "Per stream the max over nodes: cluster replicas hold copies of their primary's streams.",
            queries: [{ expr: orZero(sum(max("redis_stream_length", ["stream"]))), legend: "entries" }],
            w: 4,
          }),
          timeseries({
            title: "Block height by component",
            description: "Validator, miners and relayers should agree within a block or two.",
            queries: [
              { expr: max("cometbft_consensus_height", ["job"]), legend: "{{job}}" },
              { expr: max("ha_miner_current_block_height", ["pod"]), legend: "{{pod}}" },
              { expr: max("ha_relayer_current_block_height", ["pod"]), legend: "{{pod}}" },
            ],
            w: 24,
          }),
        ],
      },
      {
        title: "Logs",
        panels: [
          logs({
            title: "Warnings and errors from every pod",
            expr: `{${podLabel}=~".+"} ${problems}`,
            mayBeEmpty: "only when some pod logged a warning or an error",
          }),
          logs({ title: "Validator (pocketd)", expr: containerLogs("pocketd", "validator-.*"), h: 8 }),
        ],
      },
    ],
  };
}
