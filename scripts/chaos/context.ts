/**
 * What every chaos action works with: the API server (namespace from the forward plan), Redis reads
 * through the Redis pods, the chain's height through the RPC forward, the miners' failover timings
 * from their ConfigMap (so the bounds follow the config that runs), and a clock.
 */
import { parse } from "yaml";
import type { RedisMode } from "../../components/topology/names";
import { type MinerHaTimings, relayMinerDefaults, worstLeaderTakeoverSeconds, worstSupplierTakeoverSeconds } from "../../components/timing/failover";
import { latestBlock } from "../../services/chain-exporter/chain-events";
import type { ForwardSpec } from "../../components/topology/forwards";
import { Kube } from "./kube";
import { execReader } from "./redis-exec";
import { type Clock, type KeyReader, realClock } from "./recovery";

export interface Bounds {
  leaderMs: number;
  leasesMs: number;
  podMs: number;
  blocksMs: number;
  redisFailoverMs: number;
}

export interface ChaosContext {
  kube: Kube;
  reader: KeyReader;
  redisMode: RedisMode;
  redisPods: string[];
  timings: MinerHaTimings;
  blockTimeSeconds: number;
  bounds: Bounds;
  height: () => Promise<number>;
  clock: Clock;
  progress: (line: string) => void;
}

/** Slack on every derived bound: polling, a loaded node, kubelet's restart. */
export const slackMs = 10_000;

/** The miner config's timings and block time; the relay-miner's defaults where it sets none. */
interface MinerConfigDoc {
  redis?: { url?: unknown };
  block_time_seconds?: unknown;
  leader_election?: Record<string, unknown>;
  supplier_claiming?: Record<string, unknown>;
}

export function timingsOf(minerConfigYaml: string | undefined): { timings: MinerHaTimings; blockTimeSeconds: number; mode?: RedisMode } {
  const doc = (minerConfigYaml ? parse(minerConfigYaml) : {}) as MinerConfigDoc;
  const seconds = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
  const le = doc.leader_election ?? {};
  const sc = doc.supplier_claiming ?? {};
  const d = relayMinerDefaults;
  const url = doc.redis?.url;
  return {
    timings: {
      leaderTtlSeconds: seconds(le.leader_ttl_seconds, d.leaderTtlSeconds),
      heartbeatRateSeconds: seconds(le.heartbeat_rate_seconds, d.heartbeatRateSeconds),
      claimTtlSeconds: seconds(sc.claim_ttl_seconds, d.claimTtlSeconds),
      renewRateSeconds: seconds(sc.renew_rate_seconds, d.renewRateSeconds),
      rebalanceIntervalSeconds: seconds(sc.rebalance_interval_seconds, d.rebalanceIntervalSeconds),
    },
    blockTimeSeconds: seconds(doc.block_time_seconds, 30),
    mode: typeof url === "string" ? (url.startsWith("redis-cluster://") ? "cluster" : "standalone") : undefined,
  };
}

export function boundsOf(t: MinerHaTimings, blockTimeSeconds: number): Bounds {
  return {
    leaderMs: worstLeaderTakeoverSeconds(t) * 1000 + slackMs,
    leasesMs: worstSupplierTakeoverSeconds(t) * 1000 + slackMs,
    podMs: 120_000,
    blocksMs: 5 * blockTimeSeconds * 1000 + slackMs,
    // Replicas vote a primary down after cluster-node-timeout (5 s), then elect.
    redisFailoverMs: 20_000 + slackMs,
  };
}

export async function chaosContext(forwards: readonly ForwardSpec[], o: { kubeconfig?: string; context?: string; progress?: (l: string) => void }): Promise<ChaosContext> {
  const namespace = forwards[0]?.namespace;
  const rpc = forwards.find((f) => f.name === "validatorRpc")?.url;
  if (!namespace || !rpc) throw new Error("the forward plan has no validatorRpc (is the stack up?)");
  const kube = Kube.load({ namespace, kubeconfig: o.kubeconfig, context: o.context });
  const minerConfig = (await kube.pods("miner")).length > 0 ? await kube.configMapValue("miner-config", "config.yaml") : undefined;
  const { timings, blockTimeSeconds, mode } = timingsOf(minerConfig);
  const redisPods = (await kube.pods("redis")).map((p) => p.name);
  const redisMode = mode ?? (redisPods.length > 1 ? "cluster" : "standalone");
  return {
    kube,
    reader: execReader((pod, command) => kube.exec(pod, "redis", command), redisPods, redisMode),
    redisMode,
    redisPods,
    timings,
    blockTimeSeconds,
    bounds: boundsOf(timings, blockTimeSeconds),
    height: async () => (await latestBlock(rpc, { timeoutMs: 3000 })).height,
    clock: realClock,
    progress: o.progress ?? (() => undefined),
  };
}
