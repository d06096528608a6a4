/**
 * The real Pulumi engine (the pinned `pulumi` CLI and the source-built pulumi-resource-kubernetes
 * on PATH as ambient plugins), offline: file backend in a temp dir, empty passphrase, no update
 * check, no plugin download, PULUMI_HOME in a temp dir.
 *
 * The program runs through the Automation API as an INLINE program: the CLI talks to a language
 * server inside this test process, so the `pulumi-language-nodejs` binary is not needed (the module
 * proxy does not serve it). The program is index.ts's exported `main`, exactly what `pulumi up`
 * runs, with Pulumi.yaml's project settings (its typed config block and defaults included).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { LocalWorkspace, PulumiCommand, type Stack, type ProjectSettings } from "@pulumi/pulumi/automation";
import { offlinePulumiEnv, toolsBinDir } from "../../tools/paths";
import { repoRoot, tool, type Scratch } from "./support";

export interface Engine {
  env: NodeJS.ProcessEnv;
  /** A kubeconfig path that does not exist, for the no-cluster test. */
  noKubeconfig: string;
  /** Directory holding Pulumi.yaml and the stack files (temp, never the repo). */
  workDir: string;
  backendDir: string;
  stack(name: string, config: Record<string, string>): Promise<Stack>;
  /** Runs the pulumi CLI itself in workDir with the offline environment. */
  cli(args: string[]): string[];
}

/**
 * Pulumi.yaml as the engine reads it, minus the checkout-relative backend (the env var wins anyway)
 * and `main` (an inline program has no entry file in workDir).
 */
export function projectSettings(): ProjectSettings {
  const doc = parse(readFileSync(join(repoRoot, "Pulumi.yaml"), "utf8")) as ProjectSettings & { backend?: unknown };
  delete doc.backend;
  delete doc.main;
  return doc;
}

export async function offlineEngine(scratch: Scratch): Promise<Engine> {
  const pulumiBin = tool("pulumi");
  tool("pulumi-resource-kubernetes");
  const root = scratch.dir("engine");
  const backendDir = join(root, "state");
  const workDir = join(root, "project");
  const env = offlinePulumiEnv({ pulumiHome: join(root, "pulumi-home"), backendDir });
  // No KUBECONFIG here: the SDK copies $KUBECONFIG into the provider's `kubeconfig`, and the
  // v4.25.0 provider we can build then refuses render mode ("kubeconfig" arg is not compatible
  // with "renderYamlToDirectory" arg; fixed upstream after 4.25, pulumi-kubernetes #4406).
  delete env.KUBECONFIG;
  const { mkdirSync } = await import("node:fs");
  for (const d of [backendDir, workDir, env.PULUMI_HOME!]) mkdirSync(d, { recursive: true });
  const pulumiCommand = await PulumiCommand.get({ root: dirname(toolsBinDir()), skipVersionCheck: true });
  const settings = projectSettings();
  const program = async () => {
    const main = (await import("../../index")) as unknown as (() => Promise<Record<string, unknown>>) & { default?: () => Promise<Record<string, unknown>> };
    return (main.default ?? main)();
  };
  const envVars = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return {
    env,
    noKubeconfig: join(root, "no-kubeconfig"),
    workDir,
    backendDir,
    async stack(name, config) {
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: name, projectName: settings.name, program },
        { workDir, projectSettings: settings, pulumiHome: env.PULUMI_HOME, envVars, pulumiCommand },
      );
      // Flat keys, like `pulumi config set relayer.count 5` (no --path).
      for (const [k, v] of Object.entries(config)) await stack.setConfig(k, { value: v });
      return stack;
    },
    cli(args) {
      const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
      const r = spawnSync(pulumiBin, args, { cwd: workDir, env, encoding: "utf8", timeout: 120_000 });
      return [String(r.status), r.stdout, r.stderr];
    },
  };
}
