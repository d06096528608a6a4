/**
 * Connecting to standalone or cluster Redis for a one-shot read. Both fail fast (no reconnect
 * loop, no offline queue): a status command that hangs on a dead port-forward is worse than one
 * that says "unreachable" in two seconds.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { redisKeyPrefixFor, relayMinerRedisKeys, type RelayMinerRedisKeys } from "../../components/topology/names";
import type { RedisTarget } from "./args";
import { identifyEndpoint } from "./probe";

export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
}

/** Redis answered, but in the other mode than the URL asked for (cluster vs standalone). */
export class RedisModeMismatch extends Error {
  override name = "RedisModeMismatch";
}

export interface Connection {
  /** Sends single-key commands (the cluster client routes each by slot). */
  client: Redis | Cluster;
  /** Keys matching a glob on every primary (SCAN is per node, so a cluster is walked node by node). */
  scan(pattern: string, type?: string): Promise<string[]>;
  /** The relay-miner's key spelling for this mode (hash-tagged in a Redis Cluster). */
  keys: RelayMinerRedisKeys;
  close(): void;
}

const connectTimeoutMs = 2000;
/** A port that accepts connections but never answers would otherwise hang the command. */
const commandTimeoutMs = 2000;

function nodeOptions(target: RedisTarget): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
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
function reason(e: unknown, errors: ErrorLog): string {
  const message = e instanceof Error ? e.message : String(e);
  // A garbled reply is the better clue than the timeout or broken pipe that may follow it.
  const protocol = errors.clue() ?? notRedis(message);
  if (protocol) return protocol;
  const generic = /^(Connection is closed|None of startup nodes is available)\.?$/.test(message);
  const cause = errors.last.replace(/\.$/, "");
  const text = generic && cause ? `${cause}${cause === message ? "" : ` (${message.replace(/\.$/, "")})`}` : message;
  return text.replace(/\.$/, "");
}

/** The "error" events of a connection attempt, which carry the causes its rejection does not. */
class ErrorLog {
  private readonly seen: string[] = [];
  readonly record = (e: Error) => void this.seen.push(e.message);
  get last(): string {
    return this.seen.at(-1) ?? "";
  }
  /** The first error that says something other than Redis is listening. */
  clue(): string | undefined {
    for (const m of this.seen) {
      const found = notRedis(m);
      if (found) return found;
    }
    return undefined;
  }
}

/** A reply that is not RESP, or no reply at all, means something other than Redis is listening. */
function notRedis(message: string): string | undefined {
  const resp = /Unknown RESP type (\d+)/.exec(message) ?? /Protocol error, got "(.)"/.exec(message);
  if (resp) {
    const first = /^\d+$/.test(resp[1]) ? String.fromCharCode(Number(resp[1])) : resp[1];
    if (first === "H") return "something answered, but in HTTP, not the Redis protocol: this is an HTTP server, not Redis (wrong port?)";
    return `something answered, but not in the Redis protocol (its reply starts with byte ${JSON.stringify(first)}): not a Redis server (wrong port?)`;
  }
  if (/Command timed out/.test(message)) return `the port accepted a connection but did not answer PING within ${commandTimeoutMs / 1000} s: not a Redis server, or a stuck one`;
  return undefined;
}

/** Whether a node has cluster mode on; undefined when it cannot tell (INFO refused). */
async function clusterEnabled(node: Redis): Promise<boolean | undefined> {
  try {
    const info = await node.info("cluster");
    const m = /cluster_enabled:(\d)/.exec(info);
    return m ? m[1] === "1" : undefined;
  } catch {
    return undefined;
  }
}

/** Why a cluster connection failed, when its first seed answers as a standalone Redis. */
async function probeSeed(target: Extract<RedisTarget, { mode: "cluster" }>): Promise<string | undefined> {
  const seed = target.nodes[0];
  const endpoint = await identifyEndpoint(seed.host, seed.port);
  if (endpoint) return endpoint;
  const node = new Redis({
    ...nodeOptions({ mode: "standalone", host: seed.host, port: seed.port, username: target.username, password: target.password, db: 0, tls: false }),
    host: seed.host,
    port: seed.port,
  });
  const errors = new ErrorLog();
  node.on("error", errors.record);
  try {
    await node.connect();
    await node.ping();
    if ((await clusterEnabled(node)) === false) {
      return `${seed.host}:${seed.port} is a standalone Redis (cluster support disabled); use --redis redis://${seed.host}:${seed.port}`;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    node.disconnect();
  }
}

/** Opens a connection, or throws RedisUnavailable with a one-line reason. */
export async function connect(target: RedisTarget): Promise<Connection> {
  const options = nodeOptions(target);
  const errors = new ErrorLog();
  if (target.mode === "standalone") {
    const client = new Redis({ ...options, host: target.host, port: target.port });
    client.on("error", errors.record);
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      client.disconnect();
      const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|NOAUTH|WRONGPASS/.test(`${errors.last} ${String(e)}`);
      const other = errors.clue() ?? (refused || target.tls ? undefined : await identifyEndpoint(target.host, target.port));
      throw new RedisUnavailable(`cannot reach Redis at ${where(target)}: ${other ?? reason(e, errors)}`);
    }
    if ((await clusterEnabled(client)) === true) {
      client.disconnect();
      throw new RedisModeMismatch(
        `${where(target)} is a Redis Cluster node, but --redis asked for a standalone Redis; use --redis redis-cluster://${where(target)} (any nodes of the cluster, comma-separated)`,
      );
    }
    return { client, scan: (p, t) => scanNode(client, p, t), keys: relayMinerRedisKeys(redisKeyPrefixFor("standalone")), close: () => client.disconnect() };
  }

  const cluster = new Cluster(target.nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    maxRedirections: 3,
    slotsRefreshTimeout: connectTimeoutMs,
    redisOptions: options,
  });
  cluster.on("error", errors.record);
  // Per-node failures (a reply that is not RESP) arrive here, not as the cluster's error.
  cluster.on("node error", errors.record);
  try {
    await cluster.connect();
    await cluster.ping();
  } catch (e) {
    cluster.disconnect();
    const seed = errors.clue() ?? (await probeSeed(target));
    if (seed?.includes("standalone")) throw new RedisModeMismatch(`${seed}, not redis-cluster://`);
    throw new RedisUnavailable(`cannot reach Redis Cluster at ${where(target)}: ${seed ?? reason(e, errors)}`);
  }
  return {
    client: cluster,
    async scan(pattern, type) {
      const perNode = await Promise.all(cluster.nodes("master").map((n) => scanNode(n, pattern, type)));
      return [...new Set(perNode.flat())];
    },
    keys: relayMinerRedisKeys(redisKeyPrefixFor("cluster")),
    close: () => cluster.disconnect(),
  };
}
