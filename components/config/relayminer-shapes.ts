/**
 * What the pinned pocket-relay-miner accepts in its relayer and miner config.yaml: the types,
 * enums and bounds of its keys, so a `relayer.config` / `miner.config` override that the program
 * would refuse (or misread) is a config error at `pulumi preview`, not a crash-looping pod.
 * Owned keys (ports, URLs, keys file) are refused separately; their parents are typed here.
 */
import { bool, int, list, mapOf, num, obj, oneOf, str, type Shape } from "./shape";
import { relayMinerMinimums as floor } from "../timing/failover";

const duration = str({ pattern: /^[0-9]+(ns|us|µs|ms|s|m|h)$/, like: '"2h" or "90s"' });
const hostPort = str({ pattern: /^.*:[0-9]+$/, like: '"0.0.0.0:9090"' });
const rpcTypes = ["jsonrpc", "rest", "websocket", "grpc", "cometbft"] as const;

const redisNamespace = obj(
  Object.fromEntries(
    ["base_prefix", "cache_prefix", "events_prefix", "streams_prefix", "miner_prefix", "supplier_prefix", "meter_prefix", "params_prefix", "consumer_group_prefix"].map((k) => [
      k,
      str(),
    ]),
  ),
);
const redisPool = { pool_size: int(0), min_idle_conns: int(0), pool_timeout_seconds: int(0), conn_max_idle_time_seconds: int(0), namespace: redisNamespace };

const keys = obj({
  keys_file: str(),
  keys_dir: str(),
  keyring: obj({ backend: oneOf("file", "os", "test", "memory"), dir: str(), app_name: str(), key_names: list(str()) }),
});
const server = (addrPattern: boolean) => obj({ enabled: bool, addr: addrPattern ? hostPort : str() });
const logging = obj({
  level: oneOf("trace", "debug", "info", "warn", "error"),
  format: oneOf("json", "text"),
  output: str(),
  async: bool,
  async_buffer_size: int(1000),
  enable_caller: bool,
});
const headers = mapOf(str());

const backendHealthCheck = obj({
  enabled: bool,
  endpoint: str(),
  interval_seconds: int(1),
  timeout_seconds: int(1),
  unhealthy_threshold: int(1),
  healthy_threshold: int(1),
  headers,
});
const backend = obj({
  url: str(),
  urls: list({ kind: "either", options: [str(), obj({ name: str(), url: str() })], like: "a URL string or {name, url}" }),
  base_path: str({ pattern: /^\//, like: '"/ext/bc/C/rpc" (starting with /)' }),
  load_balancing: oneOf("first_healthy", "round_robin"),
  headers,
  authentication: obj({ username: str(), password: str(), bearer_token: str(), plain_token: str() }),
  health_check: backendHealthCheck,
});
const relayerService = obj({
  validation_mode: oneOf("eager", "optimistic"),
  timeout_profile: str(),
  pool_profile: str(),
  max_body_size_bytes: int(1024),
  default_backend: oneOf(...rpcTypes),
  backends: mapOf(backend, { keys: rpcTypes, minKeys: 1 }),
});

export const relayerConfigShape: Shape = obj({
  listen_addr: str({ pattern: /^.+:[0-9]+$/, like: '"0.0.0.0:8080"' }),
  redis: obj({ url: str({ pattern: /^rediss?:\/\//, like: '"redis://host:6379"' }), ...redisPool }),
  pocket_node: obj({ query_node_rpc_url: str(), query_node_grpc_url: str(), grpc_insecure: bool }),
  keys,
  services: mapOf(relayerService, { minKeys: 1 }),
  default_validation_mode: oneOf("eager", "optimistic"),
  default_request_timeout_seconds: int(1),
  default_max_body_size_bytes: int(1024),
  grace_period_extra_blocks: int(0),
  metrics: server(false),
  pprof: server(true),
  health_check: server(false),
  cache_warmup: obj({ enabled: bool, known_applications: list(str()), warmup_concurrency: int(1), warmup_timeout_seconds: int(1) }),
  logging,
  relay_meter: obj({ enabled: bool, redis_key_prefix: str(), fail_behavior: oneOf("open", "closed"), cache_ttl: duration }),
  http_transport: obj({
    max_idle_conns: int(1),
    max_idle_conns_per_host: int(1),
    max_conns_per_host: int(0),
    idle_conn_timeout_seconds: int(1),
    dial_timeout_seconds: int(1),
    tls_handshake_timeout_seconds: int(1),
    response_header_timeout_seconds: int(1),
    expect_continue_timeout_seconds: int(0),
    tcp_keep_alive_seconds: int(0),
    disable_compression: bool,
  }),
  timeout_profiles: mapOf(obj({ request_timeout_seconds: int(1), response_header_timeout_seconds: int(0), dial_timeout_seconds: int(0), tls_handshake_timeout_seconds: int(0) })),
  pool_profiles: mapOf(obj({ max_conns_per_host: int(0), max_idle_conns_per_host: int(0), idle_conn_timeout_seconds: int(0) })),
  simulation: obj({
    enabled: bool,
    max_concurrent: int(1),
    freshness_window_seconds: int(1),
    identities: list(
      obj({
        key_id: str(),
        enabled: bool,
        not_after: str(),
        max_rps: int(1),
        app_pubkey_hex: str({ pattern: /^[0-9a-fA-F]{66}$/, like: "66 hex characters" }),
        gateway_pubkeys_hex: list(str({ pattern: /^[0-9a-fA-F]{66}$/, like: "66 hex characters" }), 1),
        allowed_services: list(str()),
      }),
    ),
  }),
});

export const minerConfigShape: Shape = obj({
  redis: obj({ url: str({ pattern: /^rediss?:\/\//, like: '"redis://host:6379"' }), consumer_name: str(), claim_idle_timeout_ms: int(1000), ...redisPool }),
  pocket_node: obj({ query_node_rpc_url: str(), query_node_grpc_url: str(), chain_id: str(), grpc_insecure: bool }),
  transaction: obj({
    gas_limit: int(0),
    gas_price: str({ pattern: /^[0-9]+(\.[0-9]+)?upokt$/, like: '"0.00001upokt"' }),
    gas_adjustment: num(1),
    disable_claim_batching: bool,
    disable_proof_batching: bool,
    disable_pre_proof_claim_verification: bool,
    disable_inclusion_reconciler: bool,
    inclusion_reconciler_max_concurrent: int(1),
    max_rebroadcasts: int(0),
    rebroadcast_safety_blocks: int(0),
    inclusion_reconciler_per_group_timeout_ms: int(1000),
    tx_timeout_min_seconds: int(1),
    tx_timeout_max_seconds: int(1, 599),
    tx_timeout_default_seconds: int(1),
    tx_timeout_clock_skew_buffer_seconds: int(0),
  }),
  keys,
  metrics: server(true),
  pprof: server(true),
  logging,
  block_time_seconds: int(1),
  block_health_monitor: obj({ enabled: bool, slowness_threshold: num(1) }),
  default_service_factor: num(0),
  service_factors: mapOf(num(0)),
  settlement_monitor: obj({ enabled: bool }),
  balance_monitor: obj({
    enabled: bool,
    check_interval_seconds: int(60),
    balance_threshold_upokt: int(0),
    stake_warning_proof_threshold: int(1),
    stake_critical_proof_threshold: int(1),
  }),
  session_lifecycle: obj({ max_concurrent_transitions: int(1) }),
  worker_pools: obj({ master_pool_size: int(0), cpu_multiplier: int(1), workers_per_supplier: int(1), query_workers: int(1), settlement_workers: int(1) }),
  leader_election: obj({ leader_ttl_seconds: int(floor.leaderTtlSeconds), heartbeat_rate_seconds: int(floor.heartbeatRateSeconds) }),
  supplier_claiming: obj({
    claim_ttl_seconds: int(floor.claimTtlSeconds),
    renew_rate_seconds: int(floor.renewRateSeconds),
    rebalance_interval_seconds: int(floor.rebalanceIntervalSeconds),
  }),
  deduplication_ttl_blocks: int(1),
  batch_size: int(1),
  ack_batch_size: int(1),
  hot_reload_enabled: bool,
  session_ttl: duration,
  cache_ttl: duration,
  smst_live_root_checkpoint_interval: int(0),
  submission_tracking_ttl: duration,
  supplier_reconcile_interval_seconds: int(),
  known_applications: list(str({ pattern: /^pokt1[02-9ac-hj-np-z]{38}$/, like: "a pokt1… application address" })),
});
