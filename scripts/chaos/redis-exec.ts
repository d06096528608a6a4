/**
 * Redis reads through `redis-cli` in the Redis pods (exec): a cluster's nodes announce pod IPs the
 * host cannot reach, so a host-side client cannot follow its redirects. `-c` follows them inside
 * the cluster network; SCAN runs on every node (replicas answer it too) and is de-duplicated.
 */
import { redisKeyPrefixFor, relayMinerRedisKeys, type RedisMode } from "../../components/topology/names";
import type { ExecResult } from "./kube";
import type { KeyReader } from "./recovery";

/** Runs a command in a Redis pod's `redis` container (Kube.exec, or a local stand-in in tests). */
export type RedisPodExec = (pod: string, command: string[]) => Promise<ExecResult>;

/** `redis-cli --no-raw` output: (nil), "quoted", (integer) n. */
export function parseCliValue(out: string): string | null {
  const line = out.trim();
  if (line === "(nil)" || line === "") return null;
  const int = /^\(integer\) (-?\d+)$/.exec(line);
  if (int) return int[1];
  const quoted = /^"(.*)"$/s.exec(line);
  return quoted ? quoted[1].replace(/\\"/g, '"') : line;
}

export function execReader(exec: RedisPodExec, redisPods: readonly string[], mode: RedisMode): KeyReader {
  const cli = async (pod: string | undefined, args: string[]) => {
    if (pod === undefined) throw new Error("no Redis pods in the namespace (redis.enabled false?)");
    const r = await exec(pod, ["redis-cli", ...(mode === "cluster" ? ["-c"] : []), ...args]);
    if (r.status !== "Success" && r.status !== "closed") throw new Error(`redis-cli ${args[0]} in ${pod}: ${r.status} ${r.stderr.trim()}`);
    return r.stdout;
  };
  const anyPod = () => redisPods[0];
  return {
    keys: relayMinerRedisKeys(redisKeyPrefixFor(mode)),
    get: async (key) => parseCliValue(await cli(anyPod(), ["--no-raw", "GET", key])),
    pttl: async (key) => Number(parseCliValue(await cli(anyPod(), ["--no-raw", "PTTL", key])) ?? -2),
    scan: async (pattern) => {
      const pods = mode === "cluster" && redisPods.length > 0 ? redisPods : [anyPod()];
      const found = await Promise.all(
        pods.map(async (p) =>
          (await cli(p, ["--scan", "--pattern", pattern]))
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      );
      return [...new Set(found.flat())];
    },
  };
}
