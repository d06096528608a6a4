/**
 * Text the Redis pods run: redis.conf, the cluster-forming script, and the URL relay-miners use.
 * Pure functions, so tests can run them against real redis-server processes.
 */
import { podDns, serviceDns, serviceNames } from "./names";

export interface RedisConfInput {
  maxMemoryMb: number;
  evictionPolicy: string;
  persistence: boolean;
  cluster: boolean;
}

export function redisServerConf(i: RedisConfInput): string {
  const lines = [
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
  return mode === "cluster"
    ? `redis-cluster://${hosts.map((h) => `${h}:${port}`).join(",")}`
    : `redis://${hosts[0]}:${port}`;
}

/**
 * A POSIX sh script (runs in the redis image) that waits for every node, then forms the cluster
 * once: if the first node already reports cluster_state:ok it exits 0, so re-running is harmless.
 * Hosts are resolved to IPs first because `redis-cli --cluster create` wants addresses.
 */
export function redisClusterCreateScript(hosts: string[], port: number, replicasPerShard: number, cli = "redis-cli"): string {
  const first = hosts[0];
  return [
    "set -eu",
    `for h in ${hosts.join(" ")}; do`,
    `  until ${cli} -h "$h" -p ${port} ping 2>/dev/null | grep -q PONG; do echo "waiting for $h"; sleep 1; done`,
    "done",
    `if ${cli} -h ${first} -p ${port} cluster info | grep -q 'cluster_state:ok'; then echo "cluster already formed"; exit 0; fi`,
    "addrs=''",
    `for h in ${hosts.join(" ")}; do`,
    '  ip=$(getent hosts "$h" 2>/dev/null | awk \'{print $1; exit}\')',
    '  addrs="$addrs ${ip:-$h}:' + port + '"',
    "done",
    `${cli} --cluster create $addrs --cluster-replicas ${replicasPerShard} --cluster-yes`,
    `until ${cli} -h ${first} -p ${port} cluster info | grep -q 'cluster_state:ok'; do sleep 1; done`,
    'echo "cluster formed"',
  ].join("\n") + "\n";
}
