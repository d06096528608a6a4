/**
 * Init containers that hold a pod until what it needs is really serving. Pulumi's dependsOn orders
 * the first `pulumi up`; these gates keep the order when pods restart later on their own. Each runs
 * a script beside this file (wait-for-*.sh) with the environment built here; tests run the same
 * scripts against real servers.
 */
import type * as k8s from "@pulumi/kubernetes";
import { relayMinerRedisKeys } from "../topology/names";
import { resources, type ImagePullPolicy } from "../k8s/objects";
import { envVars, readScripts, scriptCommand, scriptsVolumeMount } from "../k8s/scripts";
import type { RelayerGateKey } from "./versions/versions";

/** The gate scripts, by file name. */
export const gateScripts = readScripts(__dirname, ["wait-for-redis.sh", "wait-for-miners.sh", "wait-for-chain.sh"] as const);
type GateScript = keyof typeof gateScripts;

/** First host and port of a redis:// or redis-cluster:// URL, and whether it is a cluster. */
export function redisEndpoint(url: string): { host: string; port: number; cluster: boolean } {
  const m = /^(redis|redis-cluster):\/\/(?:[^@/]*@)?([^,:/]+):(\d+)/.exec(url);
  if (!m) throw new Error(`not a redis:// or redis-cluster:// URL: ${url}`);
  return { host: m[2], port: Number(m[3]), cluster: m[1] === "redis-cluster" };
}

/** Environment of wait-for-redis.sh: the first node of the URL. */
export function waitForRedisEnv(redisUrl: string): Record<string, string> {
  const e = redisEndpoint(redisUrl);
  return { REDIS_HOST: e.host, REDIS_PORT: String(e.port), REDIS_CLUSTER: String(e.cluster) };
}

const gateKeyMeaning: Record<RelayerGateKey, string> = {
  leaderLock: "a miner holding the leader lock",
  serviceFactorManifest: "the service-factor manifest",
};

/** What the relayer gate waits for once the miners are up: every supplier's lease, settled. */
export interface LeaseGate {
  /** The suppliers' operator addresses. */
  readonly suppliers: readonly string[];
  /** How long the lease holders must stay put: the miners' rebalance interval. */
  readonly settleSeconds: number;
}

/**
 * Environment of wait-for-miners.sh: the key (under the miners' key prefix) the version's relayers
 * need the miners to have written, and the supplier leases to wait for.
 */
export function waitForMinersEnv(redisUrl: string, key: RelayerGateKey, keyPrefix: string, leases?: LeaseGate): Record<string, string> {
  const keys = relayMinerRedisKeys(keyPrefix);
  const env = { ...waitForRedisEnv(redisUrl), MINERS_KEY: keys[key], MINERS_KEY_IS: gateKeyMeaning[key] };
  if (!leases || leases.suppliers.length === 0) return env;
  return { ...env, SUPPLIER_LEASE_KEYS: leases.suppliers.map(keys.supplierLease).join(" "), LEASES_SETTLE_SECONDS: String(leases.settleSeconds) };
}

/** Environment of wait-for-chain.sh. */
export function waitForChainEnv(rpcUrl: string): Record<string, string> {
  return { CHAIN_RPC_URL: rpcUrl };
}

interface GateImage {
  image: string;
  imagePullPolicy: ImagePullPolicy;
}

function gate(name: string, script: GateScript, env: Record<string, string>, g: GateImage): k8s.types.input.core.v1.Container {
  return {
    name,
    image: g.image,
    imagePullPolicy: g.imagePullPolicy,
    command: scriptCommand(script),
    env: envVars(env),
    resources: resources("10m", "16Mi", "100m", "64Mi"),
    volumeMounts: [scriptsVolumeMount],
  };
}

/** Runs in the Redis image (redis-cli). */
export const waitForRedis = (redisUrl: string, g: GateImage) => gate("wait-for-redis", "wait-for-redis.sh", waitForRedisEnv(redisUrl), g);
/** Runs in the Redis image (redis-cli). */
export const waitForMiners = (redisUrl: string, key: RelayerGateKey, keyPrefix: string, leases: LeaseGate, g: GateImage) =>
  gate("wait-for-miners", "wait-for-miners.sh", waitForMinersEnv(redisUrl, key, keyPrefix, leases), g);
/** Runs in busybox (wget). */
export const waitForChain = (rpcUrl: string, g: GateImage) => gate("wait-for-chain", "wait-for-chain.sh", waitForChainEnv(rpcUrl), g);
