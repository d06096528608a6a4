/**
 * `npm run verify`: did the localnet turn every served relay into a settled claim? Failures print
 * one line on stderr (no stack trace): exit 1 when relays were lost, did not settle in time, or a
 * part is unreachable; exit 2 for bad arguments.
 */
import { ChainUnavailable } from "../services/chain-exporter/chain-events";
import { forwardsFileFlag } from "./flags";
import { loadForwards } from "./forward/source";
import { parseArgs, usage } from "./verify/args";
import { messageOf, runCommand } from "./command";
import { EndpointError, endpointsOf } from "./verify/endpoints";
import { renderJson, renderText } from "./verify/render";
import { runVerify } from "./verify/run";

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const endpoints = endpointsOf(loadForwards(args.forwards, forwardsFileFlag));
  const report = await runVerify(args, endpoints, { progress: (line) => console.error(`verify: ${line}`) });
  console.log(args.json ? renderJson(report) : renderText(report));
  return report.reconciliation.ok ? 0 : 1;
}

function explain(e: unknown): string {
  const message = messageOf(e);
  if (e instanceof EndpointError) return message;
  const hint = e instanceof ChainUnavailable || /ECONNREFUSED|fetch failed/.test(message) ? " Is the localnet up and `npm run forward` running?" : "";
  return `${message}.${hint}`;
}

runCommand("verify", () => main(process.argv.slice(2)), explain);
