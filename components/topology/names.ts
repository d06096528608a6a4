/**
 * Names that more than one part of the localnet must agree on. Defined once, imported everywhere:
 * the genesis generator writes supplier endpoints with the relayer Service DNS name, the RelayerSet
 * creates that Service, the status command and the relayer/miner configs share the Redis key prefix.
 */

/** Kubernetes object names of the long-lived Services (stable DNS inside the namespace). */
export const serviceNames = {
  redis: "redis",
  redisExporter: "redis-exporter",
  redisCommander: "redis-commander",
  validator: "validator",
  miner: "miner",
  relayer: "relayer",
  backend: "backend",
  /**
   * Headless Service over the backend pods, for Prometheus' DNS discovery when there are several
   * (the `backend` Service itself load-balances relay traffic).
   */
  backendMetrics: "backend-metrics",
  prometheus: "prometheus",
  grafana: "grafana",
  chainExporter: "chain-exporter",
  loki: "loki",
  logCollector: "log-collector",
} as const;

/**
 * Headless Services that give StatefulSet pods their DNS names (`<pod>.<service>.<ns>.svc…`).
 * The relayers' own `relayer` Service load-balances (it is the supplier endpoint), so their pods
 * are named through `relayer-pods`.
 */
export const podServiceNames = { relayer: "relayer-pods", miner: "miner", redis: "redis" } as const;

/** DNS name of pod `index` of a StatefulSet (relayer, miner, redis). */
export function podDns(statefulSet: keyof typeof podServiceNames, index: number, namespace: string): string {
  return `${serviceNames[statefulSet]}-${index}.${serviceDns(podServiceNames[statefulSet], namespace)}`;
}

/** Default namespace when the stack config does not name one. */
export const defaultNamespace = "relayminer-localnet";

/** In-cluster DNS name of a Service: `<service>.<namespace>.svc.cluster.local`. */
export function serviceDns(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** In-cluster URL of a Service port: `<scheme>://<service>.<namespace>.svc.cluster.local:<port>`. */
export function serviceUrl(scheme: string, service: string, namespace: string, port: number): string {
  return `${scheme}://${serviceDns(service, namespace)}:${port}`;
}

/**
 * Redis key prefix of the relay-miner's keys (its `redis.namespace.base_prefix`, both roles). In a
 * Redis Cluster it is the hash tag `{ha}`: the relay-miner updates a session's hash and its index
 * sets (and a tree's nodes and roots) in one MULTI transaction, which a cluster refuses across
 * slots (CROSSSLOT); with the tag every key lands in one slot. The cost: one primary holds them all.
 * A relay-miner version that accepts only a flat base prefix gets `ha` (hashTagInCluster = false).
 */
export type RedisMode = "standalone" | "cluster";
export const redisKeyPrefixFor = (mode: RedisMode, hashTagInCluster = true): string => (mode === "cluster" && hashTagInCluster ? "{ha}" : "ha");
export const redisKeyPrefix = redisKeyPrefixFor("standalone");

/**
 * The relay-miner's key shapes under a prefix, so the relayer gate,
 * `npm run status` and `npm run chaos` agree with one spelling. `*Pattern` values are SCAN globs.
 */
export function relayMinerRedisKeys(prefix: string) {
  return {
    leaderLock: `${prefix}:miner:global_leader`,
    /** The miners' service-factor manifest (one JSON document); releases' relayers refuse relays until it exists. */
    serviceFactorManifest: `${prefix}:service_factor:manifest`,
    relayStream: (supplier: string) => `${prefix}:relays:${supplier}`,
    /** Set of miner instance ids that registered as active. */
    activeSet: `${prefix}:miner:active`,
    /** Heartbeat of one miner instance: unix nanoseconds, TTL = the supplier claim TTL. */
    instance: (instanceId: string) => `${prefix}:miner:instance:${instanceId}`,
    instancePattern: `${prefix}:miner:instance:*`,
    /** Supplier lease: value = owning instance id, SET NX EX <claim TTL>. */
    supplierLease: (supplier: string) => `${prefix}:miner:claim:${supplier}`,
    supplierLeasePattern: `${prefix}:miner:claim:*`,
    relayStreamPattern: `${prefix}:relays:*`,
    /** Consumer group of the miners on every relay stream. */
    relayConsumerGroup: `${prefix}-miners`,
    /** Session metadata (JSON). */
    session: (supplier: string, sessionId: string) => `${prefix}:miner:sessions:${supplier}:${sessionId}`,
    /** Set of a supplier's session ids. */
    sessionIndex: (supplier: string) => `${prefix}:miner:sessions:${supplier}:index`,
    sessionIndexPattern: `${prefix}:miner:sessions:*:index`,
    /** Set of a supplier's session ids in one lifecycle state. */
    sessionState: (supplier: string, state: string) => `${prefix}:miner:sessions:${supplier}:state:${state}`,
    sessionStatePattern: `${prefix}:miner:sessions:*:state:*`,
    /** Pub/sub channel of block events `{height, hash?, timestamp}`, published by the miner leader. */
    blockEventsChannel: `${prefix}:events:blocks`,
  } as const;
}

export type RelayMinerRedisKeys = ReturnType<typeof relayMinerRedisKeys>;

/**
 * A miner is named twice in Redis: the leader lock holds `<hostname>-<pid>`; its supplier leases
 * and the active set hold its stream consumer name, `miner-<hostname>-<pid>` (unless miner.config
 * sets redis.consumer_name).
 */
export const consumerNameOfLeader = (leaderId: string): string => `miner-${leaderId}`;

/** The keys of a standalone Redis (the default topology). */
const standaloneKeys = relayMinerRedisKeys(redisKeyPrefix);
export const redisKeys = { leaderLock: standaloneKeys.leaderLock, serviceFactorManifest: standaloneKeys.serviceFactorManifest, relayStream: standaloneKeys.relayStream } as const;
export const minerRedisKeys = standaloneKeys;

/** Where key Secrets are mounted inside relay-miner and validator pods. */
export const mountPaths = {
  supplierKeys: "/etc/relayminer/keys",
  relayMinerConfig: "/etc/relayminer/config",
  validatorHome: "/home/pocket/.pocket",
} as const;

/**
 * The URL suppliers advertise on chain for their relays: the relayer Service, in the namespace the
 * localnet is deployed to. The genesis generator writes it; the RelayerSet creates that Service.
 */
export function relayerEndpointUrl(namespace: string, relayPort: number): string {
  return `http://${serviceDns(serviceNames.relayer, namespace)}:${relayPort}`;
}

/** `host:port` of the validator's p2p listener inside the namespace (the gentx memo names it). */
export function validatorP2pAddress(p2pPort: number): string {
  return `${serviceNames.validator}:${p2pPort}`;
}
