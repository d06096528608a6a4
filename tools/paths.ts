// Where `npm run tools:build` (tools/build.sh) puts the pinned real binaries, for the real-binary tests.
// Must agree with tools/build.sh: <root>/<first 16 hex of sha256(tools/versions.env)>/bin, where
// <root> = $RELAYMINER_TOOLS_DIR, else $XDG_CACHE_HOME/relayminer-localnet/tools, else
// ~/.cache/relayminer-localnet/tools. $RELAYMINER_TOOLS_BIN (set by `build.sh --print-env`) wins.
import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const TOOL_NAMES = ["pocketd", "pocket-relay-miner", "pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

const VERSIONS_FILE = join(__dirname, "versions.env");

/** A versions.env file (KEY=value lines, as tools/lib.sh reads them) as a key/value map. */
export function parseVersionsFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(\S*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Bin dir of a cached build, as tools/lib.sh keys it: `<root>/<first 16 hex of sha256(inputs)>/bin`
 * where inputs = the versions file, or several files concatenated in order; root = $<rootEnv>,
 * else $XDG_CACHE_HOME/relayminer-localnet/<kind>, else ~/.cache/….
 */
export function cachedBinDir(inputs: string | string[], kind: string, rootEnv: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[rootEnv] || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "relayminer-localnet", kind);
  const hash = createHash("sha256");
  for (const file of typeof inputs === "string" ? [inputs] : inputs) hash.update(readFileSync(file));
  return join(root, hash.digest("hex").slice(0, 16), "bin");
}

/** The pinned versions (tools/versions.env) as a key/value map. */
export function toolVersions(): Record<string, string> {
  return parseVersionsFile(VERSIONS_FILE);
}

/** Directory holding the built binaries (it may not exist yet). */
export function toolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RELAYMINER_TOOLS_BIN || cachedBinDir(VERSIONS_FILE, "tools", "RELAYMINER_TOOLS_DIR", env);
}

/** Absolute path of one built tool; throws with the fix when it has not been built. */
export function requireTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  if (!(TOOL_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown tool "${name}" (known: ${TOOL_NAMES.join(", ")})`);
  }
  const path = join(toolsBinDir(env), name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${name} is not built (looked for ${path}). Run \`npm run tools:build\` ` + `(or \`bash tools/build.sh --only ${name}\`); see tools/README.md.`);
  }
  return path;
}

/** True when the tool is built; for tests that skip (with a reason) rather than fail. */
export function hasTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    requireTool(name, env);
    return true;
  } catch {
    return false;
  }
}

/**
 * Environment for running the Pulumi CLI offline against the built binaries: bin dir first on
 * PATH, no update check, no plugin download, the given PULUMI_HOME and a file backend.
 */
export function offlinePulumiEnv(opts: { pulumiHome: string; backendDir: string }): NodeJS.ProcessEnv {
  const bin = toolsBinDir();
  return {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: opts.pulumiHome,
    PULUMI_BACKEND_URL: `file://${opts.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
}
