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
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
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
  /** Runs the pulumi CLI itself in workDir with the offline environment (plus `opts.env`). */
  cli(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): string[];
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

/** index.ts's `main` as an inline program; `entry` names another copy of index.ts (a project copy). */
const programOf =
  (entry = "../../index") =>
  async () => {
    const main = (await import(entry)) as unknown as (() => Promise<Record<string, unknown>>) & { default?: () => Promise<Record<string, unknown>> };
    return (main.default ?? main)();
  };

/** A stack of the inline program (index.ts's `main`) with flat config keys set. */
export async function inlineStack(o: { workDir: string; env: NodeJS.ProcessEnv; name: string; config: Record<string, string>; entry?: string }): Promise<Stack> {
  const program = programOf(o.entry);
  const pulumiCommand = await PulumiCommand.get({ root: dirname(toolsBinDir()), skipVersionCheck: true });
  const settings = projectSettings();
  const envVars = Object.fromEntries(Object.entries(o.env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: o.name, projectName: settings.name, program },
    { workDir: o.workDir, projectSettings: settings, pulumiHome: o.env.PULUMI_HOME, envVars, pulumiCommand },
  );
  // Flat keys, like `pulumi config set relayer.count 5` (no --path).
  for (const [k, v] of Object.entries(o.config)) await stack.setConfig(k, { value: v });
  return stack;
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
  // with "renderYamlToDirectory" arg; fixed in later provider versions).
  // The inline program runs in this process, so its SDK reads this process's environment.
  delete env.KUBECONFIG;
  delete process.env.KUBECONFIG;
  for (const d of [backendDir, workDir, env.PULUMI_HOME!]) mkdirSync(d, { recursive: true });
  return {
    env,
    noKubeconfig: join(root, "no-kubeconfig"),
    workDir,
    backendDir,
    stack: (name, config) => inlineStack({ workDir, env, name, config }),
    cli(args, opts = {}) {
      const r = spawnSync(pulumiBin, args, { cwd: workDir, env: { ...env, ...opts.env }, encoding: "utf8", timeout: opts.timeoutMs ?? 120_000 });
      return [String(r.status), r.stdout, r.stderr];
    },
  };
}
