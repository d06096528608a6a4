/**
 * Connecting to standalone or cluster Redis for a one-shot read. Both fail fast (no reconnect
 * loop, no offline queue): a status command that hangs on a dead port-forward is worse than one
 * that says "unreachable" in two seconds.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { RedisTarget } from "./args";

export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
}

export interface Connection {
  /** Sends single-key commands (the cluster client routes each by slot). */
  client: Redis | Cluster;
  /** Keys matching a glob on every primary (SCAN is per node, so a cluster is walked node by node). */
  scan(pattern: string, type?: string): Promise<string[]>;
  close(): void;
}

const connectTimeoutMs = 2000;

function nodeOptions(target: RedisTarget): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    username: target.username,
    password: target.password,
    ...(target.mode === "standalone" ? { db: target.db, tls: target.tls ? {} : undefined } : {}),
  };
}

async function scanNode(node: Redis, pattern: string, type?: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = type ? await node.scan(cursor, "MATCH", pattern, "COUNT", 1000, "TYPE", type) : await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    batch.forEach((k) => found.add(k));
    cursor = next;
  } while (cursor !== "0");
  return [...found];
}

const where = (target: RedisTarget) => (target.mode === "standalone" ? `${target.host}:${target.port}` : target.nodes.map((n) => `${n.host}:${n.port}`).join(","));

/**
 * The most useful one-line reason: ioredis rejects `connect()` with a generic "Connection is
 * closed." while the cause (ECONNREFUSED, auth failure, …) arrives as an "error" event.
 */
function reason(e: unknown, lastError: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const generic = /^(Connection is closed|None of startup nodes is available)\.?$/.test(message);
  const cause = lastError.replace(/\.$/, "");
  const text = generic && cause ? `${cause}${cause === message ? "" : ` (${message.replace(/\.$/, "")})`}` : message;
  return text.replace(/\.$/, "");
}

/** Opens a connection, or throws RedisUnavailable with a one-line reason. */
export async function connect(target: RedisTarget): Promise<Connection> {
  const options = nodeOptions(target);
  let lastError = "";
  const remember = (e: Error) => {
    lastError = e.message;
  };
  if (target.mode === "standalone") {
    const client = new Redis({ ...options, host: target.host, port: target.port });
    client.on("error", remember);
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      client.disconnect();
      throw new RedisUnavailable(`cannot reach Redis at ${where(target)}: ${reason(e, lastError)}`);
    }
    return { client, scan: (p, t) => scanNode(client, p, t), close: () => client.disconnect() };
  }

  const cluster = new Cluster(target.nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    maxRedirections: 3,
    slotsRefreshTimeout: connectTimeoutMs,
    redisOptions: options,
  });
  cluster.on("error", remember);
  try {
    await cluster.connect();
    await cluster.ping();
  } catch (e) {
    cluster.disconnect();
    throw new RedisUnavailable(`cannot reach Redis Cluster at ${where(target)}: ${reason(e, lastError)}`);
  }
  return {
    client: cluster,
    async scan(pattern, type) {
      const perNode = await Promise.all(cluster.nodes("master").map((n) => scanNode(n, pattern, type)));
      return [...new Set(perNode.flat())];
    },
    close: () => cluster.disconnect(),
  };
}
