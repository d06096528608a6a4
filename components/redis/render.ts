/**
 * Text the Redis pods run: redis.conf, the cluster-forming script, and the URL relay-miners use.
 * Pure functions, so tests can run them against real redis-server processes.
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

export interface ClusterScriptOptions {
  /** How long members that kept their identity (persistence on) get to reconverge before a re-form. */
  convergeSeconds?: number;
  /** How long the new cluster gets to report ok before the script fails. */
  formSeconds?: number;
  cli?: string;
}

/**
 * A POSIX sh script (runs in the redis image) that makes the nodes one cluster of exactly this
 * shape, and is harmless to re-run:
 * - every node already reports cluster_state ok with `hosts.length` known nodes and the right
 *   number of shards: nothing to do;
 * - every node is fresh (knows only itself): form the cluster;
 * - anything else (a node restarted empty and lost its identity, or shards/replicas changed):
 *   re-form from scratch, which discards the data in Redis. Members that all kept their identity
 *   (persistence on) first get `convergeSeconds` to heal by gossip, so a plain restart keeps data.
 * Hosts are resolved to IPs first because `redis-cli --cluster create` wants addresses.
 */
export function redisClusterCreateScript(hosts: string[], port: number, replicasPerShard: number, opts: ClusterScriptOptions = {}): string {
  const cli = `${opts.cli ?? "redis-cli"} -p ${port} -h`;
  const n = hosts.length;
  const shards = n / (1 + replicasPerShard);
  return [
    "set -eu",
    `hosts="${hosts.join(" ")}"`,
    "for h in $hosts; do",
    `  until ${cli} "$h" ping 2>/dev/null | grep -q PONG; do echo "waiting for $h"; sleep 1; done`,
    "done",
    `info() { ${cli} "$1" cluster info 2>/dev/null | tr -d '\\r'; }`,
    "healthy() {",
    "  for h in $hosts; do",
    "    i=$(info \"$h\")",
    `    for want in cluster_state:ok cluster_known_nodes:${n} cluster_size:${shards}; do`,
    '      echo "$i" | grep -qx "$want" || return 1',
    "    done",
    "  done",
    "}",
    "fresh=0",
    "for h in $hosts; do if info \"$h\" | grep -qx cluster_known_nodes:1; then fresh=$((fresh + 1)); fi; done",
    'if [ "$fresh" -eq 0 ]; then',
    `  t=0; until healthy || [ "$t" -ge ${opts.convergeSeconds ?? 30} ]; do t=$((t + 1)); sleep 1; done`,
    `  if healthy; then echo "cluster already formed: ${n} nodes, ${shards} shards"; exit 0; fi`,
    "fi",
    `if [ "$fresh" -lt ${n} ]; then`,
    '  echo "re-forming the cluster (a node restarted empty, or shards/replicas changed): its data is discarded"',
    "  for h in $hosts; do",
    // A replica refuses FLUSHALL (read-only); CLUSTER RESET empties it anyway.
    `    ${cli} "$h" flushall >/dev/null 2>&1 || true`,
    `    ${cli} "$h" cluster reset hard >/dev/null`,
    "  done",
    "fi",
    "addrs=''",
    "for h in $hosts; do",
    '  ip=$(getent hosts "$h" 2>/dev/null | awk \'{print $1; exit}\')',
    '  addrs="$addrs ${ip:-$h}:' + port + '"',
    "done",
    `${opts.cli ?? "redis-cli"} --cluster create $addrs --cluster-replicas ${replicasPerShard} --cluster-yes`,
    `t=0; until healthy; do t=$((t + 1)); if [ "$t" -ge ${opts.formSeconds ?? 120} ]; then echo "the cluster did not report ok within ${opts.formSeconds ?? 120}s" >&2; exit 1; fi; sleep 1; done`,
    `echo "cluster formed: ${n} nodes, ${shards} shards"`,
  ].join("\n") + "\n";
}
