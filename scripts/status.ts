/**
 * `npm run status`: what the HA relay-miner keeps in Redis, for standalone or cluster Redis.
 * Failures print one line on stderr (no stack trace): exit 1 when Redis is unreachable, not Redis,
 * or in the other mode than asked; exit 2 for bad arguments; exit 3 when the report printed but some
 * keys could not be read (each is named in it).
 */
import { parseArgs, redactUrl, usage, UsageError } from "./status/args";
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

function report(e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`status: ${e.message} (see --help)`);
    return 2;
  }
  if (e instanceof RedisModeMismatch) {
    console.error(`status: ${e.message}`);
    return 1;
  }
  if (e instanceof RedisUnavailable) {
    console.error(`status: ${e.message}. Is the localnet up and \`npm run forward\` running? Or pass --redis <url>.`);
    return 1;
  }
  console.error(`status: reading Redis failed: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

// Exit explicitly: a failed ioredis connect can leave its connect-timeout timer armed, which
// would keep a finished command alive for seconds.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => process.exit(report(e)),
);
