/**
 * Config rules both supported relay-miner versions apply (the same in the pinned commit's schema
 * and loader and in the release's): what each version's own rules file starts from.
 */
import type { ConfigRules } from "./config-rules";

/** The backend (transport) types a relayer routes to: the only keys of `services.<id>.backends`. */
export const backendTypes = ["jsonrpc", "rest", "websocket", "grpc", "cometbft"] as const;

const validationModes = ["eager", "optimistic"];
const hostPort = { re: /^.+:[0-9]+$/, like: 'host:port, e.g. "0.0.0.0:8080"' };
// The loaders accept these schemes (the schemas document only redis:// and rediss://).
const redisUrl = { re: /^(redis|rediss|redis-sentinel|redis-cluster):\/\//, like: "a redis://, rediss://, redis-sentinel:// or redis-cluster:// URL" };

export const sharedRelayerRules: Partial<ConfigRules> = {
  required: ["listen_addr", "redis.url", "pocket_node.query_node_rpc_url", "pocket_node.query_node_grpc_url", "services", "services.*.backends"],
  // A backend is one url or a pool of urls, never both.
  exactlyOne: [["services.*.backends.*.url", "services.*.backends.*.urls"]],
  oneOf: {
    default_validation_mode: validationModes,
    "services.*.validation_mode": validationModes,
    "services.*.default_backend": backendTypes,
    "services.*.backends.*.load_balancing": ["first_healthy", "round_robin"],
    "logging.format": ["json", "text"],
  },
  keysOneOf: { "services.*.backends": backendTypes },
  minimum: {
    default_request_timeout_seconds: 1,
    default_max_body_size_bytes: 1024,
    "services.*.max_body_size_bytes": 1024,
    "services.*.backends.*.health_check.interval_seconds": 1,
    "services.*.backends.*.health_check.timeout_seconds": 1,
  },
  pattern: { listen_addr: hostPort, "redis.url": redisUrl, "pprof.addr": hostPort },
};

export const sharedMinerRules: Partial<ConfigRules> = {
  required: ["redis.url", "pocket_node.query_node_rpc_url", "pocket_node.query_node_grpc_url"],
  oneOf: { "logging.format": ["json", "text"] },
  minimum: {
    block_time_seconds: 1,
    "redis.claim_idle_timeout_ms": 1000,
    "leader_election.leader_ttl_seconds": 5,
    "leader_election.heartbeat_rate_seconds": 1,
    "supplier_claiming.claim_ttl_seconds": 15,
    "supplier_claiming.renew_rate_seconds": 1,
    "supplier_claiming.rebalance_interval_seconds": 5,
  },
  // A lock or lease renewed no faster than it expires is lost between renewals.
  lessThan: [
    ["leader_election.heartbeat_rate_seconds", "leader_election.leader_ttl_seconds"],
    ["supplier_claiming.renew_rate_seconds", "supplier_claiming.claim_ttl_seconds"],
  ],
  pattern: { "redis.url": redisUrl, "metrics.addr": hostPort, "pprof.addr": hostPort },
};
