/**
 * `npm run status`: what the HA relay-miner keeps in Redis, for standalone or cluster Redis.
 * Failures print one line on stderr (no stack trace): exit 1 when Redis is unreachable, not Redis,
 * or in the other mode than asked; exit 2 for bad arguments; exit 3 when the report printed but some
 * keys could not be read (each is named in it).
 */
import { parseArgs, redactUrl, usage } from "./status/args";
import { messageOf, runCommand } from "./command";
import { collect } from "./status/collect";
import { connect, RedisModeMismatch, RedisUnavailable } from "./status/connect";
import { renderText } from "./status/render";

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const conn = await connect(args.redis);
  try {
    const snapshot = await collect(conn, { url: redactUrl(args.redisUrl), mode: args.redis.mode, blockWaitMs: args.blockWaitMs });
    console.log(args.json ? JSON.stringify(snapshot, null, 2) : renderText(snapshot));
    return snapshot.problems.length > 0 ? 3 : 0;
  } finally {
    conn.close();
  }
}

function explain(e: unknown): string {
  if (e instanceof RedisModeMismatch) return e.message;
  if (e instanceof RedisUnavailable) return `${e.message}. Is the localnet up and \`npm run forward\` running? Or pass --redis <url>.`;
  return `reading Redis failed: ${messageOf(e)}`;
}

runCommand("status", () => main(process.argv.slice(2)), explain);
