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

/** Redis key prefix of the relay-miner's HA keys (leader lock, leases, relay streams). */
export const redisKeyPrefix = "ha";

/** Redis keys and key shapes the relay-miner writes; used by the relayer gate and `npm run status`. */
export const redisKeys = {
  leaderLock: `${redisKeyPrefix}:miner:global_leader`,
  /** The miners' service-factor manifest (one JSON document); releases' relayers refuse relays until it exists. */
  serviceFactorManifest: `${redisKeyPrefix}:service_factor:manifest`,
  relayStream: (supplier: string) => `${redisKeyPrefix}:relays:${supplier}`,
} as const;

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

/**
 * The rest of the relay-miner's HA key shapes that `npm run status` reads,
 * next to `redisKeys` so every reader agrees with one spelling. `*Pattern` values are SCAN globs.
 */
export const minerRedisKeys = {
  /** Set of miner instance ids that registered as active. */
  activeSet: `${redisKeyPrefix}:miner:active`,
  /** Heartbeat of one miner instance: unix nanoseconds, TTL 90 s. */
  instance: (instanceId: string) => `${redisKeyPrefix}:miner:instance:${instanceId}`,
  instancePattern: `${redisKeyPrefix}:miner:instance:*`,
  /** Supplier lease: value = owning instance id, SET NX EX 90 s. */
  supplierLease: (supplier: string) => `${redisKeyPrefix}:miner:claim:${supplier}`,
  supplierLeasePattern: `${redisKeyPrefix}:miner:claim:*`,
  relayStreamPattern: `${redisKeyPrefix}:relays:*`,
  /** Consumer group of the miners on every relay stream. */
  relayConsumerGroup: `${redisKeyPrefix}-miners`,
  /** Session metadata (JSON). */
  session: (supplier: string, sessionId: string) => `${redisKeyPrefix}:miner:sessions:${supplier}:${sessionId}`,
  /** Set of a supplier's session ids. */
  sessionIndex: (supplier: string) => `${redisKeyPrefix}:miner:sessions:${supplier}:index`,
  sessionIndexPattern: `${redisKeyPrefix}:miner:sessions:*:index`,
  /** Set of a supplier's session ids in one lifecycle state. */
  sessionState: (supplier: string, state: string) => `${redisKeyPrefix}:miner:sessions:${supplier}:state:${state}`,
  sessionStatePattern: `${redisKeyPrefix}:miner:sessions:*:state:*`,
  /** Pub/sub channel of block events `{height, hash?, timestamp}`, published by the miner leader. */
  blockEventsChannel: `${redisKeyPrefix}:events:blocks`,
} as const;
