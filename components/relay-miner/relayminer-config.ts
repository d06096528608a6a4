/**
 * Renders the relayer and miner config.yaml from typed inputs (pure: no Pulumi, no I/O), so the
 * exact text the pods read can be unit-tested and checked with `pocket-relay-miner … validate`.
 *
 * Layering: our defaults, then the user's `relayer.config` / `miner.config` overrides deep-merged
 * on top. Keys the localnet owns (addresses from the port registry, Redis and node URLs, the keys
 * file) are rejected in overrides by the config rules, so they always match the pods' ports.
 */
import { stringify } from "yaml";
import { containerPorts } from "../topology/ports";
import { mountPaths, redisKeyPrefix } from "../topology/names";
import { type MinerHaTimings, minerHaTimings } from "../timing/failover";

/** The relay-miner's backend types (the keys of `services.<id>.backends`). */
export const rpcTypes = ["jsonrpc", "websocket", "rest", "grpc", "cometbft"] as const;
export type RpcType = (typeof rpcTypes)[number];

export interface RelayerService {
  id: string;
  /** Backend types the suppliers advertise for this service on chain. */
  rpcTypes: RpcType[];
}

export interface NodeUrls {
  /** CometBFT RPC, e.g. http://validator.ns.svc.cluster.local:26657 */
  rpc: string;
  /** Cosmos gRPC host:port. */
  grpc: string;
}

/**
 * A simulated-relay identity the relayer trusts without a session on chain: the public keys of a
 * staked application and its gateways, for one service.
 */
export interface SimulationIdentity {
  keyId: string;
  serviceId: string;
  appPubKeyHex: string;
  gatewayPubKeysHex: string[];
}

export interface RelayerConfigInput {
  redisUrl: string;
  /** redis.namespace.base_prefix (names.ts redisKeyPrefixFor: hash-tagged in cluster mode). */
  keyPrefix: string;
  node: NodeUrls;
  /** Host (DNS name) of the demo backend or of the user's own backend. */
  backendHost: string;
  services: RelayerService[];
  validationMode: "eager" | "optimistic";
  logLevel: string;
  /** Localnet only (the keys are public): simulated relays are answered but never metered or claimed. */
  simulationIdentities: SimulationIdentity[];
  overrides: Record<string, unknown>;
}

export interface MinerConfigInput {
  redisUrl: string;
  keyPrefix: string;
  node: NodeUrls;
  chainId: string;
  blockTimeSeconds: number;
  knownApplications: string[];
  logLevel: string;
  overrides: Record<string, unknown>;
}

export const supplierKeysFile = `${mountPaths.supplierKeys}/supplier-keys.yaml`;

/** Top-level keys (and dotted sub-keys) the localnet sets from the port registry and topology. */
export const ownedRelayerKeys = [
  "listen_addr",
  "redis.url",
  "redis.namespace.base_prefix",
  "relay_meter.redis_key_prefix",
  "pocket_node",
  "keys",
  "metrics.addr",
  "pprof.addr",
  "health_check.addr",
];
export const ownedMinerKeys = ["redis.url", "redis.namespace.base_prefix", "pocket_node", "keys", "metrics.addr", "pprof.addr", "block_time_seconds"];

const any = (port: number) => `0.0.0.0:${port}`;

/** Where a backend type is served: the demo backend's listeners, or the chain for cometbft. */
function backendUrl(type: RpcType, backendHost: string, node: NodeUrls): string {
  const b = containerPorts.backend;
  switch (type) {
    case "jsonrpc":
      return `http://${backendHost}:${b.http}`;
    case "websocket":
      return `ws://${backendHost}:${b.http}/ws`;
    case "rest":
      // The relay-miner's `relay stream` client sends REST relays that expect a server stream.
      return `http://${backendHost}:${b.http}/stream/sse`;
    case "grpc":
      return `${backendHost}:${b.grpc}`;
    case "cometbft":
      return node.rpc;
  }
}

function relayerService(s: RelayerService, backendHost: string, node: NodeUrls): Record<string, unknown> {
  const types = rpcTypes.filter((t) => s.rpcTypes.includes(t));
  const backends = Object.fromEntries(types.map((t) => [t, { url: backendUrl(t, backendHost, node) }]));
  const streaming = types.includes("rest") || types.includes("websocket");
  return {
    default_backend: types.includes("jsonrpc") ? "jsonrpc" : types[0],
    timeout_profile: streaming ? "streaming" : "fast",
    backends,
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The relay-miner's rate limit per simulated identity (its default is 5/s, too few for a load test). */
const simulatedRelaysPerSecond = 100;

function simulationBlock(identities: SimulationIdentity[]): Record<string, unknown> {
  return {
    enabled: true,
    max_concurrent: 32,
    freshness_window_seconds: 60,
    identities: identities.map((id) => ({
      key_id: id.keyId,
      enabled: true,
      max_rps: simulatedRelaysPerSecond,
      app_pubkey_hex: id.appPubKeyHex,
      gateway_pubkeys_hex: [...id.gatewayPubKeysHex],
      allowed_services: [id.serviceId],
    })),
  };
}

function haTimingsBlocks(t: MinerHaTimings): Record<string, unknown> {
  return {
    leader_election: { leader_ttl_seconds: t.leaderTtlSeconds, heartbeat_rate_seconds: t.heartbeatRateSeconds },
    supplier_claiming: {
      claim_ttl_seconds: t.claimTtlSeconds,
      renew_rate_seconds: t.renewRateSeconds,
      rebalance_interval_seconds: t.rebalanceIntervalSeconds,
    },
  };
}

/** The HA timings the miners run with: derived from the block time, unless `miner.config` sets them. */
export function effectiveMinerHaTimings(blockTimeSeconds: number, overrides: Record<string, unknown>): MinerHaTimings {
  const merged = deepMerge(haTimingsBlocks(minerHaTimings(blockTimeSeconds)), overrides);
  const le = merged.leader_election as Record<string, unknown>;
  const sc = merged.supplier_claiming as Record<string, unknown>;
  return {
    leaderTtlSeconds: le.leader_ttl_seconds as number,
    heartbeatRateSeconds: le.heartbeat_rate_seconds as number,
    claimTtlSeconds: sc.claim_ttl_seconds as number,
    renewRateSeconds: sc.renew_rate_seconds as number,
    rebalanceIntervalSeconds: sc.rebalance_interval_seconds as number,
  };
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

export function relayerConfigObject(i: RelayerConfigInput): Record<string, unknown> {
  const p = containerPorts.relayer;
  const services = Object.fromEntries([...i.services].sort((a, b) => a.id.localeCompare(b.id)).map((s) => [s.id, relayerService(s, i.backendHost, i.node)]));
  const base = {
    listen_addr: any(p.relay),
    redis: { url: i.redisUrl, namespace: { base_prefix: i.keyPrefix } },
    // The relay meter keeps its own prefix (default "ha", a key releases no longer know): set only to follow a hash tag.
    ...(i.keyPrefix === redisKeyPrefix ? {} : { relay_meter: { redis_key_prefix: i.keyPrefix } }),
    pocket_node: { query_node_rpc_url: i.node.rpc, query_node_grpc_url: i.node.grpc, grpc_insecure: true },
    keys: { keys_file: supplierKeysFile },
    default_validation_mode: i.validationMode,
    metrics: { enabled: true, addr: any(p.metrics) },
    pprof: { enabled: true, addr: any(p.pprof) },
    health_check: { enabled: true, addr: any(p.health) },
    logging: { level: i.logLevel, format: "json" },
    ...(i.simulationIdentities.length > 0 ? { simulation: simulationBlock(i.simulationIdentities) } : {}),
    services,
  };
  return deepMerge(base, i.overrides);
}

export function minerConfigObject(i: MinerConfigInput): Record<string, unknown> {
  const p = containerPorts.miner;
  const base = {
    redis: { url: i.redisUrl, namespace: { base_prefix: i.keyPrefix } },
    pocket_node: { query_node_rpc_url: i.node.rpc, query_node_grpc_url: i.node.grpc, grpc_insecure: true, chain_id: i.chainId },
    keys: { keys_file: supplierKeysFile },
    metrics: { enabled: true, addr: any(p.metrics) },
    pprof: { enabled: true, addr: any(p.pprof) },
    logging: { level: i.logLevel, format: "json" },
    block_time_seconds: i.blockTimeSeconds,
    ...haTimingsBlocks(minerHaTimings(i.blockTimeSeconds)),
    known_applications: [...i.knownApplications],
  };
  return deepMerge(base, i.overrides);
}

const toYaml = (o: Record<string, unknown>) => stringify(o, { lineWidth: 0 });

export const renderRelayerConfig = (i: RelayerConfigInput): string => toYaml(relayerConfigObject(i));
export const renderMinerConfig = (i: MinerConfigInput): string => toYaml(minerConfigObject(i));

/** Owned keys that appear in a user's overrides object (dotted). */
export function ownedKeysIn(overrides: Record<string, unknown>, owned: readonly string[]): string[] {
  return owned.filter((dotted) => {
    let cur: unknown = overrides;
    for (const part of dotted.split(".")) {
      if (!isPlainObject(cur) || !(part in cur)) return false;
      cur = cur[part];
    }
    return true;
  });
}
