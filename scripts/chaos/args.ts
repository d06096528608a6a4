/** Command line of `npm run chaos -- <action>`; bad input is a UsageError naming what is allowed (exit 2). */
import type { ForwardSource } from "../forward/source";

import { eachArg, planCommandDefaults, planCommandFlag } from "../flags";
import { UsageError } from "../usage-error";

export const actions = ["kill-leader", "kill-miner", "kill-relayer", "pause-redis", "kill-redis-primary", "restart-validator"] as const;
export type ActionName = (typeof actions)[number];

export interface ChaosArgs {
  action?: ActionName;
  /** kill-miner / kill-relayer: the replica; pause-redis: seconds. */
  index?: number;
  seconds?: number;
  json: boolean;
  help: boolean;
  forwards: ForwardSource;
  kubeconfig?: string;
  context?: string;
}

export const usage = `Usage: npm run chaos -- <action> [arg] [--json] [--stack <name> | --forwards-file <f>]
                                       [--context <ctx>] [--kubeconfig <file>]

Breaks one part of a running localnet and watches it recover: what was done, what recovery was
seen (new leader and after how long, supplier leases in live hands, pods Ready again, the chain
making blocks), within bounds derived from the miners' timings. Exit 1 if recovery does not come.

Actions:
  kill-leader            SIGKILL the miner holding the leader lock
  kill-miner [n]         SIGKILL miner n (default: a miner that is not the leader)
  kill-relayer [n]       SIGKILL relayer n (default: 0)
  pause-redis <seconds>  CLIENT PAUSE every Redis node for 1..600 seconds
  kill-redis-primary     (redis.mode=cluster) stop the primary serving the relay-miner's keys
  restart-validator      delete the validator pod (without validator.keepState: a fresh chain)

  --stack <name>         The stack whose forward plan gives the namespace and the chain RPC. Default: local.
  --forwards-file <f>    The forward plan from a file instead.
  --context <ctx>        kubeconfig context. Default: the current one.
  --kubeconfig <file>    Default: $KUBECONFIG, else ~/.kube/config.
  --json                 One JSON document instead of text.
  -h, --help             This text.

Exit codes: 0 recovered, 1 no recovery within the bound (or the cluster is unreachable), 2 bad arguments.`;

function whole(what: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${what} ${JSON.stringify(v ?? "")}: must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): ChaosArgs {
  const out: ChaosArgs = planCommandDefaults();
  const positional: string[] = [];
  eachArg(argv, (flag, value, arg) => {
    if (planCommandFlag(out, flag, value)) return;
    switch (flag) {
      case "--context":
        out.context = value();
        break;
      case "--kubeconfig":
        out.kubeconfig = value();
        break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown flag ${JSON.stringify(arg)}; allowed: --json, --stack, --forwards-file, --context, --kubeconfig, --help`);
        positional.push(arg);
    }
  });
  if (out.help) return out;
  const [name, extra, ...rest] = positional;
  if (!name) throw new UsageError(`which action? allowed: ${actions.join(", ")}`);
  if (!(actions as readonly string[]).includes(name)) throw new UsageError(`unknown action ${JSON.stringify(name)}; allowed: ${actions.join(", ")}`);
  out.action = name as ActionName;
  if (rest.length > 0) throw new UsageError(`${name}: unexpected ${JSON.stringify(rest.join(" "))}`);
  if (out.action === "pause-redis") out.seconds = whole("pause-redis seconds", extra, 1, 600);
  else if (out.action === "kill-miner" || out.action === "kill-relayer") {
    if (extra !== undefined) out.index = whole(`${name} replica`, extra, 0, 99);
  } else if (extra !== undefined) throw new UsageError(`${name} takes no argument (got ${JSON.stringify(extra)})`);
  return out;
}
