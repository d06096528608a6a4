/**
 * What the Redis pods read: redis.conf, the environment of the cluster-forming script
 * (cluster-create.sh), the nodes' host names and the URL relay-miners use. Pure functions, so
 * tests can run them against real redis-server processes.
 */
import { podDns, serviceDns, serviceNames } from "../topology/names";

export interface RedisConfInput {
  maxMemoryMb: number;
  evictionPolicy: string;
  persistence: boolean;
  cluster: boolean;
}

export function redisServerConf(i: RedisConfInput): string {
  const lines = [
    // The header names the file this came from before the code moved; changing a byte of
    // redis.conf recreates the Redis pods (and re-forms a cluster without persistence).
    "# Rendered by relayminer-localnet (components/redis-scripts.ts).",
    "bind 0.0.0.0",
    "protected-mode no",
    "port 6379",
    `maxmemory ${i.maxMemoryMb}mb`,
    `maxmemory-policy ${i.evictionPolicy}`,
    // The miner's SMSTs and relay streams are revenue data: with persistence, log every second.
    i.persistence ? "appendonly yes" : "appendonly no",
    i.persistence ? "appendfsync everysec" : 'save ""',
    "tcp-keepalive 60",
    "lazyfree-lazy-eviction yes",
    "lazyfree-lazy-expire yes",
  ];
  if (i.cluster) {
    lines.push("cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 5000");
  }
  return lines.join("\n") + "\n";
}

/** Redis server pods of a topology: 1 standalone, shards × (1 + replicas) in cluster mode. */
export function redisNodeCount(r: { mode: "standalone" | "cluster"; cluster: { shards: number; replicasPerShard: number } }): number {
  return r.mode === "cluster" ? r.cluster.shards * (1 + r.cluster.replicasPerShard) : 1;
}

/** DNS names of the Redis nodes: the Service for one node, each pod's own name for a cluster. */
export function redisNodeHosts(namespace: string, count: number): string[] {
  if (count === 1) return [serviceDns(serviceNames.redis, namespace)];
  return Array.from({ length: count }, (_, i) => podDns("redis", i, namespace));
}

export function redisUrlFor(mode: "standalone" | "cluster", hosts: string[], port: number): string {
  return mode === "cluster" ? `redis-cluster://${hosts.map((h) => `${h}:${port}`).join(",")}` : `redis://${hosts[0]}:${port}`;
}

export interface ClusterCreateInput {
  hosts: string[];
  port: number;
  replicasPerShard: number;
  /** How long members that kept their identity (persistence on) get to reconverge before a re-form. @default 30 */
  convergeSeconds?: number;
  /** How long the new cluster gets to report ok before the script fails. @default 120 */
  formSeconds?: number;
  /** The redis-cli binary. @default "redis-cli" */
  cli?: string;
}

/** The environment of cluster-create.sh. */
export function clusterCreateEnv(i: ClusterCreateInput): Record<string, string> {
  return {
    REDIS_HOSTS: i.hosts.join(" "),
    REDIS_PORT: String(i.port),
    REPLICAS_PER_SHARD: String(i.replicasPerShard),
    ...(i.convergeSeconds === undefined ? {} : { CONVERGE_SECONDS: String(i.convergeSeconds) }),
    ...(i.formSeconds === undefined ? {} : { FORM_SECONDS: String(i.formSeconds) }),
    ...(i.cli === undefined ? {} : { REDIS_CLI: i.cli }),
  };
}
