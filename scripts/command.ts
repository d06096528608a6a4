/**
 * How a user command ends: with the exit code its main returns; a UsageError prints
 * "<name>: <message> (see --help)" and exits 2; any other failure prints one line (worded by
 * `explain` when the command knows better) and exits 1. Never a stack trace.
 */
import { UsageError } from "./usage-error";

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function runCommand(name: string, main: () => Promise<number>, explain: (e: unknown) => string = messageOf): void {
  // Exit explicitly: a client's timer (an ioredis connect timeout, a Kubernetes watch) could keep a
  // finished command alive for seconds.
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`${name}: ${e.message} (see --help)`);
        process.exit(2);
      }
      console.error(`${name}: ${explain(e)}`);
      process.exit(1);
    },
  );
}
