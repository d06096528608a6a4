/**
 * Redis, per node (1 in standalone mode, every primary and replica in cluster mode): connections,
 * memory against maxmemory, ops/s, the relay WAL streams, and the keyspace. The `node` variable
 * selects nodes by pod name.
 */
import type { DashboardSpec } from "./lib/dashboard";
import { logs, stat, timeseries, upMappings } from "./lib/panels";
import { eq, isVar, max, ratio, sel, sum, sumRate, topk } from "./lib/promql";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";
import { containerLogs } from "./logql";

const node = [isVar("pod", "node")];

export function redisDashboard(): DashboardSpec {
  return {
    uid: dashboardUids.redis,
    title: "Localnet / Redis",
    description: "Redis nodes behind the relay-miner: connections, memory, ops/s, streams, keyspace.",
    tags: ["redis"],
    links: crossLinks,
    variables: [{ name: "node", label: "Node", selector: sel("redis_up", eq("job", scrapeJobs.redis)), valuesOf: "pod" }],
    sections: [
      {
        title: "Nodes",
        panels: [
          stat({ title: "Redis up", queries: [{ expr: max(sel("redis_up", ...node), ["pod"]), legend: "{{pod}}" }], mappings: upMappings, w: 8 }),
          stat({
            title: "Role",
            description: "In cluster mode roles can swap after a failover, so they are read from Redis, not from the pod name.",
            queries: [{ expr: max(sel("redis_instance_info", ...node), ["pod", "role"]), legend: "{{pod}} {{role}}" }],
            w: 8,
          }),
          stat({ title: "Connected replicas", queries: [{ expr: max(sel("redis_connected_slaves", ...node), ["pod"]), legend: "{{pod}}" }], w: 8 }),
        ],
      },
      {
        title: "Connections and memory",
        panels: [
          timeseries({
            title: "Connected / blocked clients",
            description: "Each miner holds one blocking XREADGROUP connection per supplier stream, so blocked clients grow with suppliers.",
            queries: [
              { expr: sum(sel("redis_connected_clients", ...node), ["pod"]), legend: "connected {{pod}}" },
              { expr: sum(sel("redis_blocked_clients", ...node), ["pod"]), legend: "blocked {{pod}}" },
            ],
          }),
          timeseries({
            title: "Memory used vs maxmemory",
            unit: "bytes",
            queries: [
              { expr: sum(sel("redis_memory_used_bytes", ...node), ["pod"]), legend: "used {{pod}}" },
              { expr: sum(sel("redis_memory_max_bytes", ...node), ["pod"]), legend: "max {{pod}}" },
            ],
          }),
          timeseries({
            title: "Memory used / maxmemory",
            description: "With maxmemory-policy noeviction, writes fail at 100%; with an LRU policy, session trees get evicted.",
            unit: "percentunit",
            max: 1,
            queries: [{ expr: ratio(sum(sel("redis_memory_used_bytes", ...node), ["pod"]), sum(sel("redis_memory_max_bytes", ...node), ["pod"])), legend: "{{pod}}" }],
          }),
          timeseries({
            title: "Evicted / expired keys",
            unit: "ops",
            queries: [
              { expr: sumRate("redis_evicted_keys_total", ["pod"], ...node), legend: "evicted {{pod}}" },
              { expr: sumRate("redis_expired_keys_total", ["pod"], ...node), legend: "expired {{pod}}" },
            ],
          }),
        ],
      },
      {
        title: "Operations",
        panels: [
          timeseries({ title: "Commands per second by node", unit: "ops", queries: [{ expr: sumRate("redis_commands_processed_total", ["pod"], ...node), legend: "{{pod}}" }] }),
          timeseries({ title: "Top commands", unit: "ops", queries: [{ expr: topk(10, sumRate("redis_commands_total", ["cmd"], ...node)), legend: "{{cmd}}" }] }),
          timeseries({
            title: "Network in / out",
            unit: "Bps",
            queries: [
              { expr: sumRate("redis_net_input_bytes_total", ["pod"], ...node), legend: "in {{pod}}" },
              { expr: sumRate("redis_net_output_bytes_total", ["pod"], ...node), legend: "out {{pod}}" },
            ],
          }),
          timeseries({
            title: "Keyspace hit ratio",
            unit: "percentunit",
            max: 1,
            queries: [
              {
                expr: ratio(
                  sumRate("redis_keyspace_hits_total", ["pod"], ...node),
                  `${sumRate("redis_keyspace_hits_total", ["pod"], ...node)} + ${sumRate("redis_keyspace_misses_total", ["pod"], ...node)}`,
                ),
                legend: "{{pod}}",
              },
            ],
          }),
        ],
      },
      {
        title: "Relay streams (ha:relays:<supplier>)",
        panels: [
          timeseries({
            title: "Stream length by stream",
            description:
              "Relays waiting in each supplier's WAL stream; entries are deleted when a miner acknowledges them, so a growing line means miners fall behind. max, not sum: cluster replicas hold copies of their primary's streams.",
            queries: [{ expr: max(sel("redis_stream_length", ...node), ["stream"]), legend: "{{stream}}" }],
          }),
          timeseries({
            title: "Pending (delivered, not acknowledged) by group",
            queries: [{ expr: max(sel("redis_stream_group_messages_pending", ...node), ["stream", "group"]), legend: "{{stream}} {{group}}" }],
          }),
          timeseries({
            title: "Consumers per stream group",
            queries: [{ expr: max(sel("redis_stream_group_consumers", ...node), ["stream", "group"]), legend: "{{stream}} {{group}}" }],
          }),
        ],
      },
      {
        title: "Keyspace",
        panels: [
          timeseries({ title: "Keys by node and db", queries: [{ expr: sum(sel("redis_db_keys", ...node), ["pod", "db"]), legend: "{{pod}} {{db}}" }] }),
          timeseries({ title: "Keys with a TTL", queries: [{ expr: sum(sel("redis_db_keys_expiring", ...node), ["pod", "db"]), legend: "{{pod}} {{db}}" }] }),
        ],
      },
      {
        title: "Logs",
        panels: [logs({ title: "Redis logs", description: "The nodes selected with the Node variable.", expr: containerLogs("redis", "${node:pipe}") })],
      },
    ],
  };
}
