/**
 * Command line of `npm run verify`. Bad input is a UsageError naming the flag, the value and what
 * is allowed; the entry point prints it as one line (exit 2).
 */
import type { ForwardSource } from "../forward/source";

import { eachArg, planCommandDefaults, planCommandFlag } from "../flags";
import { UsageError } from "../usage-error";

export const sendModes = ["jsonrpc", "websocket", "stream", "grpc", "cometbft"] as const;
export type SendMode = (typeof sendModes)[number];

export interface VerifyArgs {
  json: boolean;
  help: boolean;
  forwards: ForwardSource;
  /** Relays to send first with `pocket-relay-miner relay` (0 = send none). */
  send: number;
  service: string;
  mode: SendMode;
  /** How long to wait for the sessions in question to settle. */
  timeoutSeconds: number;
}

export const usage = `Usage: npm run verify -- [--send N [--service <id>] [--mode <mode>]] [--json]
                          [--stack <name> | --forwards-file <file>] [--timeout <s>]

Reconciles the localnet's relays with the chain: per service and supplier, the relays the relayers
served (their metrics) against the claims, proofs and settlements in the blocks (CometBFT block
results), and the balances that moved. Waits until the sessions in question have settled: without
--send, every session since the oldest relayer started (its counters count from then).

  --send N             First send N relays with \`pocket-relay-miner relay <mode> --localnet\` (it must be
                       on PATH) to relayer 0, then reconcile only those sessions.
  --service <id>       Service for --send. Default: develop-http.
  --mode <mode>        Relay client mode for --send: ${sendModes.join(", ")}. Default: jsonrpc.
  --stack <name>       Read the forward plan from this stack's output \`forwards\`. Default: local.
  --forwards-file <f>  Read the forward plan from a file (the same JSON) instead.
  --timeout <s>        Give up waiting for settlement after this many seconds. Default: 900.
  --json               Print one JSON document instead of text.
  -h, --help           This text.

Talks only to the forwards on 127.0.0.1 (\`npm run forward\` must be running).
Exit codes: 0 every served relay settled, 1 relays lost, not settled in time or unreachable, 2 bad arguments.`;

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${flag} ${JSON.stringify(v)}: must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): VerifyArgs {
  const out: VerifyArgs = { ...planCommandDefaults(), send: 0, service: "develop-http", mode: "jsonrpc", timeoutSeconds: 900 };
  eachArg(argv, (flag, value, arg) => {
    if (planCommandFlag(out, flag, value)) return;
    switch (flag) {
      case "--send":
        out.send = wholeNumber(flag, value(), 1, 100_000);
        break;
      case "--service": {
        const v = value();
        if (!/^[a-zA-Z0-9_-]{1,42}$/.test(v)) throw new UsageError(`--service ${JSON.stringify(v)}: not a service id (letters, digits, - and _, at most 42)`);
        out.service = v;
        break;
      }
      case "--mode": {
        const v = value();
        if (!(sendModes as readonly string[]).includes(v)) throw new UsageError(`--mode ${JSON.stringify(v)}: allowed: ${sendModes.join(", ")}`);
        out.mode = v as SendMode;
        break;
      }
      case "--timeout":
        out.timeoutSeconds = wholeNumber(flag, value(), 1, 86_400);
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}; allowed: --send, --service, --mode, --stack, --forwards-file, --timeout, --json, --help`);
    }
  });
  return out;
}
