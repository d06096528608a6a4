/**
 * The chain exporter: reads a pocketd node's block results and REST API and serves what the chain
 * did with relays as Prometheus metrics (exporter/chain-metrics.ts). Settings: `--help`.
 */
import { readFileSync } from "node:fs";
import { latestBlock, relayEventsBetween } from "./chain-events";
import { parseArgs, usage, UsageError } from "./exporter/args";
import { accountNamesFrom, ChainMetrics } from "./exporter/chain-metrics";
import { ChainFollower } from "./exporter/follower";
import { log } from "./exporter/log";
import { exporterServer } from "./exporter/server";
import { readStakes } from "./exporter/stakes";

function main(): void {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`chain exporter: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (!args) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  let names = new Map<string, string>();
  if (args.accountsFile) {
    try {
      names = accountNamesFrom(JSON.parse(readFileSync(args.accountsFile, "utf8")));
    } catch (e) {
      process.stderr.write(`chain exporter: --accounts ${args.accountsFile}: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }
  const { rpcUrl, restUrl } = args;
  const metrics = new ChainMetrics(names);
  const follower = new ChainFollower(
    {
      latestHeight: async () => (await latestBlock(rpcUrl)).height,
      eventsBetween: (from, to) => relayEventsBetween(rpcUrl, from, to, { concurrency: 4 }),
      stakes: (height) => readStakes(restUrl, { height }),
    },
    metrics,
    { fromHeight: args.fromHeight, maxBlocksPerTick: args.maxBlocksPerTick, log },
  );

  const server = exporterServer({ metrics: () => metrics.registry.render(), ready: () => follower.ready });
  server.listen(args.port, args.host, () => log("info", "listening", { address: `${args.host}:${args.port}`, rpc: rpcUrl, rest: restUrl, accounts: names.size }));
  server.on("error", (e) => {
    log("error", "cannot listen", { address: `${args.host}:${args.port}`, error: e.message });
    process.exit(1);
  });

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    const r = await follower.tick();
    if (r.events > 0) log("info", "read relay-path events", { blocks: r.blocks, events: r.events, next_height: follower.nextHeight });
    // A backlog is read without waiting; a caught-up follower waits one interval.
    if (!stopping) timer = setTimeout(() => void loop(), r.ok && r.blocks === args.maxBlocksPerTick ? 0 : args.intervalSeconds * 1000);
  };
  void loop();

  const stop = (signal: string) => {
    stopping = true;
    if (timer) clearTimeout(timer);
    log("info", "stopping", { signal });
    server.close(() => process.exit(0));
    // Keep-alive scrapers must not hold the exit up.
    server.closeAllConnections();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main();
