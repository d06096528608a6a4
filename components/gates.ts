/**
 * Init containers that hold a pod until what it needs is really serving. Pulumi's dependsOn orders
 * the first `pulumi up`; these gates keep the order when pods restart later on their own.
 * The shell is built by pure functions so tests can run it against real servers.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "./config/schema";
import { redisKeyPrefixFor, redisKeys, relayMinerRedisKeys } from "./names";
import { containerBase, resources } from "./k8s";

/** First host and port of a redis:// or redis-cluster:// URL, and whether it is a cluster. */
export function redisEndpoint(url: string): { host: string; port: number; cluster: boolean } {
  const m = /^(redis|redis-cluster):\/\/(?:[^@/]*@)?([^,:/]+):(\d+)/.exec(url);
  if (!m) throw new Error(`not a redis:// or redis-cluster:// URL: ${url}`);
  return { host: m[2], port: Number(m[3]), cluster: m[1] === "redis-cluster" };
}

const cliArgs = (url: string) => {
  const e = redisEndpoint(url);
  return `-h ${e.host} -p ${e.port}${e.cluster ? " -c" : ""}`;
};

/** Waits until Redis answers PING. */
export function waitForRedisScript(url: string, cli = "redis-cli"): string {
  return `until ${cli} ${cliArgs(url)} ping 2>/dev/null | grep -q PONG; do echo "waiting for redis"; sleep 1; done; echo "redis is up"`;
}

/**
 * Waits until a miner holds the leader lock: relayers get block events only from the leader. The
 * key is quoted: in cluster mode it starts with a hash tag (`{ha}:…`).
 */
export function waitForLeaderScript(url: string, cli = "redis-cli", key: string = redisKeys.leaderLock): string {
  return `until [ "$(${cli} ${cliArgs(url)} exists '${key}' 2>/dev/null)" = "1" ]; do echo "waiting for a miner leader (${key})"; sleep 1; done; echo "leader: $(${cli} ${cliArgs(url)} get '${key}')"`;
}

/** Waits until the chain reports a block height of at least 1. */
export function waitForChainScript(rpcUrl: string): string {
  return `until wget -qO- ${rpcUrl}/status 2>/dev/null | grep -Eq '"latest_block_height": ?"[1-9]'; do echo "waiting for block 1 at ${rpcUrl}"; sleep 1; done; echo "chain is producing blocks"`;
}

function gate(name: string, image: string, script: string, c: LocalnetConfig): k8s.types.input.core.v1.Container {
  return { name, image, ...containerBase(c), command: ["sh", "-c", script], resources: resources("10m", "16Mi", "100m", "64Mi") };
}

export const waitForRedis = (c: LocalnetConfig, url: string) => gate("wait-for-redis", c.images.redis, waitForRedisScript(url), c);
export const waitForLeader = (c: LocalnetConfig, url: string) =>
  gate("wait-for-leader", c.images.redis, waitForLeaderScript(url, "redis-cli", relayMinerRedisKeys(redisKeyPrefixFor(c.redis.mode)).leaderLock), c);
export const waitForChain = (c: LocalnetConfig, rpcUrl: string) => gate("wait-for-chain", c.images.busybox, waitForChainScript(rpcUrl), c);
