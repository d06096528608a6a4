/**
 * `npm run chaos -- <action>`: break one part of the running localnet, watch it recover, report.
 * Failures print one line on stderr (no stack trace): exit 1 when recovery did not come in time or
 * the cluster is unreachable, exit 2 for bad arguments.
 */
import { forwardsFileFlag } from "./flags";
import { loadForwards } from "./forward/source";
import { runAction, ok } from "./chaos/actions";
import { parseArgs, usage } from "./chaos/args";
import { runCommand } from "./command";
import { chaosContext } from "./chaos/context";
import { renderText } from "./chaos/render";

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const ctx = await chaosContext(loadForwards(args.forwards, forwardsFileFlag), {
    kubeconfig: args.kubeconfig,
    context: args.context,
    progress: (l) => console.error(`chaos: ${l}`),
  });
  const report = await runAction(ctx, args);
  console.log(args.json ? JSON.stringify(report, null, 2) : renderText(report));
  return ok(report) ? 0 : 1;
}

runCommand("chaos", () => main(process.argv.slice(2)));
