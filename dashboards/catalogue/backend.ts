/**
 * The demo backend's metrics (services/backend/src/metrics.ts), served on :9095. `fault` is the
 * injected fault's kind (`none`, `latency`, `http_status`, `jsonrpc_error`, `reset`, ...); `outcome`
 * is ok | client_error | injected | cancelled. backend-scrape.int.test.ts checks these names, types
 * and labels against a real running backend's /metrics.
 */
import { counter, gauge, histogram, type MetricCatalogue } from "./types";

export const backendMetrics: MetricCatalogue = {
  demo_requests_total: counter("protocol", "method", "outcome", "fault"),
  demo_request_duration_seconds: histogram("protocol", "method", "outcome"),
  demo_active_streams: gauge("protocol"),
  demo_chain_height: gauge(),
};
