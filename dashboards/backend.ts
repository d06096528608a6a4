/**
 * The demo backend: requests by protocol and method, latency, and injected faults by kind, so a
 * developer can tell "the relayer failed" from "I asked the backend to fail". Filtered by the
 * `protocol` and `instance` (pod) variables.
 */
import type { DashboardSpec } from "./lib/dashboard";
import { logs, stat, timeseries, upMappings } from "./lib/panels";
import { eq, isVar, max, ne, quantile, ratio, sel, sum, sumRate, topk } from "./lib/promql";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";
import { containerLogs, problems } from "./logql";

const pod = [isVar("instance")];
const proto = [isVar("protocol"), ...pod];
const requests = "demo_requests_total";
const duration = "demo_request_duration_seconds";

/** Queries of this dashboard; the backend scrape test runs them against a real backend. */
export function backendDashboard(): DashboardSpec {
  return {
    uid: dashboardUids.backend,
    title: "Localnet / Backend",
    description: "Demo backend (JSON-RPC, WebSocket, SSE, NDJSON, gRPC): traffic, latency, injected faults.",
    tags: ["backend"],
    links: crossLinks,
    variables: [
      { name: "protocol", label: "Protocol", selector: requests },
      { name: "instance", label: "Pod", selector: sel("up", eq("job", scrapeJobs.backend)) },
    ],
    sections: [
      {
        title: "Pods",
        panels: [
          stat({
            title: "Backend targets",
            queries: [{ expr: max(sel("up", eq("job", scrapeJobs.backend), ...pod), ["instance"]), legend: "{{instance}}" }],
            mappings: upMappings,
            w: 12,
          }),
          stat({ title: "Simulated chain height", queries: [{ expr: max(sel("demo_chain_height", ...pod)), legend: "height" }], w: 6 }),
          stat({ title: "Requests per second", unit: "reqps", queries: [{ expr: sumRate(requests, [], ...proto), legend: "total" }], w: 6 }),
        ],
      },
      {
        title: "Traffic",
        panels: [
          timeseries({ title: "Requests by protocol", unit: "reqps", queries: [{ expr: sumRate(requests, ["protocol"], ...proto), legend: "{{protocol}}" }] }),
          timeseries({
            title: "Top methods",
            unit: "reqps",
            queries: [{ expr: topk(10, sumRate(requests, ["protocol", "method"], ...proto)), legend: "{{protocol}} {{method}}" }],
          }),
          timeseries({ title: "Requests by outcome", unit: "reqps", queries: [{ expr: sumRate(requests, ["outcome"], ...proto), legend: "{{outcome}}" }], stack: true }),
          timeseries({ title: "Requests by pod", unit: "reqps", queries: [{ expr: sumRate(requests, ["instance"], ...proto), legend: "{{instance}}" }] }),
          timeseries({ title: "Open streams and WebSocket connections", queries: [{ expr: sum(sel("demo_active_streams", ...proto), ["protocol"]), legend: "{{protocol}}" }] }),
        ],
      },
      {
        title: "Latency",
        panels: [
          timeseries({
            title: "Latency percentiles",
            description: "Streams count until they end, so SSE/NDJSON/WebSocket dominate the tail; pick a protocol to compare like with like.",
            unit: "s",
            queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, duration, [], ...proto), legend: `p${Math.round(q * 100)}` })),
          }),
          timeseries({ title: "Latency p95 by protocol", unit: "s", queries: [{ expr: quantile(0.95, duration, ["protocol"], ...proto), legend: "{{protocol}}" }] }),
          timeseries({ title: "Latency p95 by outcome", unit: "s", queries: [{ expr: quantile(0.95, duration, ["outcome"], ...proto), legend: "{{outcome}}" }] }),
        ],
      },
      {
        title: "Injected faults",
        panels: [
          timeseries({
            title: "Injected faults by kind",
            description: "Requests a fault rule or error_rate acted on, by the fault's kind (http_status, jsonrpc_error, reset, truncate, latency, …).",
            unit: "reqps",
            queries: [{ expr: sumRate(requests, ["fault"], ...proto, ne("fault", "none")), legend: "{{fault}}" }],
            stack: true,
          }),
          timeseries({
            title: "Injected faults by protocol and kind",
            unit: "reqps",
            queries: [{ expr: sumRate(requests, ["protocol", "fault"], ...proto, ne("fault", "none")), legend: "{{protocol}} {{fault}}" }],
          }),
          timeseries({
            title: "Share of requests with a fault",
            mayBeEmpty: "only while faults keep firing: a short burst creates its series with the burst already counted, and rate() sees no increase in it",
            unit: "percentunit",
            max: 1,
            queries: [{ expr: ratio(sumRate(requests, ["protocol"], ...proto, ne("fault", "none")), sumRate(requests, ["protocol"], ...proto)), legend: "{{protocol}}" }],
          }),
        ],
      },
      {
        title: "Logs",
        panels: [
          logs({
            title: "Warnings and errors (backend)",
            expr: containerLogs("backend", "backend-.*", problems),
            h: 8,
            mayBeEmpty: "only when the backend logged a warning or an error",
          }),
          logs({
            title: "All lines (backend)",
            description: "Every backend pod; the Pod variable filters the metrics above, not these lines.",
            expr: containerLogs("backend", "backend-.*"),
          }),
        ],
      },
    ],
  };
}
