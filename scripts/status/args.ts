/**
 * Command line of `npm run status`. Bad input is a UsageError whose message names the flag, the
 * value and what is allowed; the entry point prints it as one line.
 */
import { hostPortDefaults } from "../../components/topology/ports";
import { eachArg } from "../flags";
import { UsageError } from "../usage-error";

/** Where Redis is: one node, or the seed nodes of a Redis Cluster. */
export type RedisTarget =
  | { mode: "standalone"; host: string; port: number; username?: string; password?: string; db: number; tls: boolean }
  | { mode: "cluster"; nodes: { host: string; port: number }[]; username?: string; password?: string };

export interface StatusArgs {
  json: boolean;
  redis: RedisTarget;
  /** The URL as given, for messages. */
  redisUrl: string;
  /** How long to wait for a block event on pub/sub; 0 = do not wait. */
  blockWaitMs: number;
  help: boolean;
}

/** What `npm run forward` binds Redis to on the host. */
export const defaultRedisUrl = `redis://127.0.0.1:${hostPortDefaults.redis}`;
export const defaultBlockWaitMs = 3000;

export const usage = `Usage: npm run status -- [--json] [--redis <url>] [--block-wait <ms>]

Shows what the HA relay-miner keeps in Redis: leader lock, miners and heartbeats, supplier
leases, relay streams with the ha-miners consumer group, the latest block event, sessions by state.

  --redis <url>        redis://[user:password@]host:port[/db], rediss://… (TLS), or
                       redis-cluster://[user:password@]host1:port1,host2:port2 (seed nodes).
                       Default: ${defaultRedisUrl} (the port-forward of \`npm run forward\`).
  --block-wait <ms>    Listen this long on ha:events:blocks for a block event (0 to skip).
                       Default: ${defaultBlockWaitMs}.
  --json               Print one JSON document instead of text.
  -h, --help           This text.

Exit codes: 0 shown, 1 Redis unreachable (or not Redis, or cluster/standalone mismatch),
2 bad arguments, 3 shown but some keys could not be read (named in the report).`;

function hostPort(text: string, flag: string, url: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+)(?::(\d+))?$/.exec(text);
  const port = m?.[2] === undefined ? 6379 : Number(m[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`${flag} ${JSON.stringify(url)}: ${JSON.stringify(text)} is not host:port (port 1-65535)`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** The URL with its password masked, for output. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z-]+:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

/** Parses a Redis URL into a target; throws UsageError naming the flag and what is allowed. */
export function parseRedisUrl(url: string, flag = "--redis"): RedisTarget {
  const allowed = "allowed: redis://host:port[/db], rediss://host:port[/db], redis-cluster://host1:port1,host2:port2";
  const m = /^([a-z-]+):\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/(\d*))?$/.exec(url);
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(url)}: not a Redis URL; ${allowed}`);
  const [, scheme, auth, hosts, db] = m;
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(":");
    username = decodeURIComponent(colon === -1 ? auth : auth.slice(0, colon)) || undefined;
    password = colon === -1 ? undefined : decodeURIComponent(auth.slice(colon + 1));
  }
  if (scheme === "redis" || scheme === "rediss") {
    if (hosts.includes(",")) throw new UsageError(`${flag} ${JSON.stringify(url)}: several hosts need the redis-cluster:// scheme; ${allowed}`);
    const dbIndex = db === undefined || db === "" ? 0 : Number(db);
    return { mode: "standalone", ...hostPort(hosts, flag, url), username, password, db: dbIndex, tls: scheme === "rediss" };
  }
  if (scheme === "redis-cluster") {
    if (db) throw new UsageError(`${flag} ${JSON.stringify(url)}: a Redis Cluster has only database 0; drop "/${db}"`);
    return { mode: "cluster", nodes: hosts.split(",").map((h) => hostPort(h.trim(), flag, url)), username, password };
  }
  throw new UsageError(`${flag} ${JSON.stringify(url)}: unknown scheme "${scheme}://"; ${allowed}`);
}

export function parseArgs(argv: readonly string[]): StatusArgs {
  let json = false;
  let help = false;
  let redisUrl = defaultRedisUrl;
  let blockWaitMs = defaultBlockWaitMs;
  eachArg(argv, (flag, value, arg) => {
    switch (flag) {
      case "--json":
        json = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      case "--redis":
        redisUrl = value();
        break;
      case "--block-wait": {
        const v = value();
        blockWaitMs = Number(v);
        if (!/^\d+$/.test(v) || blockWaitMs > 600_000) {
          throw new UsageError(`--block-wait ${JSON.stringify(v)}: must be whole milliseconds from 0 to 600000`);
        }
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}; allowed: --json, --redis <url>, --block-wait <ms>, --help`);
    }
  });
  return { json, help, redis: parseRedisUrl(redisUrl), redisUrl, blockWaitMs };
}
