/**
 * Child process of engine.real.test.ts: `pulumi up` of the inline program with no renderDir and no
 * cluster (KUBECONFIG points at a missing file). Runs apart from the test process because the
 * Pulumi SDK re-raises a failed inline program as an unhandled rejection once the run is over,
 * which node's test runner would count against the whole file.
 * Prints the error message; exit 0 if up failed (expected), 3 if it succeeded.
 * Usage: tsx test/real/preflight-up.ts <workDir> <stackName>   (offline Pulumi env in process.env)
 */
import { inlineStack } from "./engine";

async function main(): Promise<number> {
  const [workDir, name] = process.argv.slice(2) as [string, string];
  const stack = await inlineStack({ workDir, env: process.env, name, config: {} });
  try {
    await stack.up();
    return 3;
  } catch (e) {
    process.stdout.write(`${(e as Error).message}\n`);
    return 0;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
