/**
 * Walking a command line the way every user command reads it: `--flag value`, `--flag=value`,
 * short flags, and positionals. `value()` takes the flag's value (the inline one, or the next
 * argument) and fails with a UsageError when there is none.
 */
import type { ForwardSource } from "./forward/source";
import { UsageError } from "./usage-error";

export function eachArg(argv: readonly string[], visit: (flag: string, value: () => string, arg: string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    visit(
      flag,
      () => {
        const v = inline ?? argv[++i];
        if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
        return v;
      },
      arg,
    );
  }
}

/** Flags of the commands that read the stack's forward plan (verify, chaos). */
export interface PlanCommandArgs {
  json: boolean;
  help: boolean;
  forwards: ForwardSource;
}

export const planCommandDefaults = (): PlanCommandArgs => ({ json: false, help: false, forwards: { kind: "stack", stack: "local" } });

/** The flag of the plan commands that reads the forward plan from a file. */
export const forwardsFileFlag = "--forwards-file";

/** Handles --json, --help, --stack and --forwards-file; false for any other flag. */
export function planCommandFlag(out: PlanCommandArgs, flag: string, value: () => string): boolean {
  switch (flag) {
    case "--json":
      out.json = true;
      return true;
    case "-h":
    case "--help":
      out.help = true;
      return true;
    case "--stack":
      out.forwards = { kind: "stack", stack: value() };
      return true;
    case forwardsFileFlag:
      out.forwards = { kind: "file", path: value() };
      return true;
    default:
      return false;
  }
}
