/**
 * Sections the relayer and miner boards share: the relay-miner process itself (goroutines, heap,
 * recovered panics, dropped log lines), its caches, and its logs, per replica.
 */
import type { Section } from "./lib/dashboard";
import { logs, timeseries } from "./lib/panels";
import { max, ratio, sel, sumRate } from "./lib/promql";
import { containerLogs, problems, replicaPods } from "./logql";
import { replicaFilter } from "./replicas";

const rep = replicaFilter;

export function processSection(): Section {
  return {
    title: "Process",
    panels: [
      timeseries({ title: "Goroutines", w: 8, queries: [{ expr: max(sel("ha_runtime_goroutines", ...rep), ["pod"]), legend: "{{pod}}" }] }),
      timeseries({ title: "Heap in use", unit: "bytes", w: 8, queries: [{ expr: max(sel("ha_runtime_heap_inuse_bytes", ...rep), ["pod"]), legend: "{{pod}}" }] }),
      timeseries({
        title: "Recovered panics and dropped log lines",
        description: "A panic the relay-miner recovered from (by component), and log lines it dropped because its log buffer was full.",
        mayBeEmpty:
          "only after a recovered panic; dropped log lines are counted by relay-miner releases newer than the build the recorded metrics come from (ha_log_messages_dropped_total)",
        w: 8,
        queries: [
          { expr: sumRate("ha_panic_recoveries_total", ["pod", "component"], ...rep), legend: "panic {{pod}} {{component}}" },
          { expr: sumRate("ha_log_messages_dropped_total", ["pod"], ...rep), legend: "log lines dropped {{pod}}" },
        ],
      }),
    ],
  };
}

export function cacheSection(): Section {
  return {
    title: "Caches",
    panels: [
      timeseries({
        title: "Cache hit ratio by cache and level",
        description: "l1: in process; l2: Redis; a miss at l2 is a query to the chain.",
        unit: "percentunit",
        max: 1,
        queries: [
          {
            expr: ratio(
              sumRate("ha_cache_hits_total", ["cache_type", "level"], ...rep),
              `${sumRate("ha_cache_hits_total", ["cache_type", "level"], ...rep)} + ${sumRate("ha_cache_misses_total", ["cache_type", "level"], ...rep)}`,
            ),
            legend: "{{cache_type}} {{level}}",
          },
        ],
      }),
      timeseries({
        title: "Chain queries by kind",
        unit: "ops",
        queries: [{ expr: sumRate("ha_cache_chain_queries_total", ["query_type"], ...rep), legend: "{{query_type}}" }],
      }),
    ],
  };
}

/** The role's log lines, and its warnings and errors, for the replicas selected. */
export function logsSection(role: "relayer" | "miner"): Section {
  return {
    title: "Logs",
    panels: [
      logs({
        title: `Warnings and errors (${role}s)`,
        expr: containerLogs(role, replicaPods(role), problems),
        h: 8,
        mayBeEmpty: "only when a replica logged a warning or an error",
      }),
      logs({ title: `All lines (${role}s)`, description: "Newest first; pick replicas with the Replica variable.", expr: containerLogs(role, replicaPods(role)) }),
    ],
  };
}
