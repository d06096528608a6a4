/**
 * `build.relayminerBuild = "host"`: the relay-miner binary is compiled by the Go toolchain on this
 * machine, in the checkout, with the user's Go build cache (so a one-line change recompiles one
 * package and relinks), and added as one layer on top of `images.relayMiner` (the released image:
 * its tini, user and directories). A Docker build of the checkout's own Dockerfile downloads the
 * Go modules and Alpine packages and compiles every package each time.
 *
 * The binary is static (CGO_ENABLED=0), for linux on the toolchain's GOARCH, built with -trimpath
 * and without VCS stamps, so the same source and Go version give the same bytes. The image tag
 * hashes the checkout's build context, the Go version, GOARCH and the base image, so it is known
 * before anything is compiled (preview compiles nothing).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The Dockerfile of the generated context: the released image with the binary replaced. */
export const hostBuildDockerfile = [
  "# Written by relayminer-localnet (build.relayminerBuild = host): the relay-miner image given as",
  "# RELAYMINER_BASE, with the binary compiled on the host in place of its own.",
  "ARG RELAYMINER_BASE",
  "FROM ${RELAYMINER_BASE}",
  "COPY pocket-relay-miner /usr/local/bin/pocket-relay-miner",
  "",
].join("\n");

export const hostBinaryName = "pocket-relay-miner";
/** Records which tag the binary in the context was built for, so an unchanged source is not recompiled. */
const stampFile = ".built-for";

export interface GoToolchain {
  version: string;
  arch: string;
}

/** What the host build runs on this machine (tests pass their own: no process is started then). */
export interface HostCompiler {
  toolchain(): GoToolchain | string;
  compile(source: string, contextDir: string, tag: string, toolchain: GoToolchain): Promise<string>;
}

/** The Go toolchain on PATH (`go env`), or a message saying why there is none. */
export function goToolchain(env: NodeJS.ProcessEnv = process.env): GoToolchain | string {
  const r = spawnSync("go", ["env", "GOVERSION", "GOARCH"], { env, encoding: "utf8" });
  if (r.error) return `no Go toolchain on PATH (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  const [version, arch] = r.stdout.trim().split("\n");
  if (r.status !== 0 || !version || !arch) return `\`go env\` failed: ${(r.stderr || r.stdout).trim().slice(-500)}`;
  return { version, arch };
}

/** The `go build` command line (arguments and environment) for a checkout, writing `output`. */
export function goBuildCommand(output: string, toolchain: GoToolchain, env: NodeJS.ProcessEnv = process.env): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: ["build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", output, "."],
    env: { ...env, CGO_ENABLED: "0", GOOS: "linux", GOARCH: toolchain.arch },
  };
}

/** Creates the generated build context with its Dockerfile (the binary comes from buildHostContext). */
export function writeHostContext(contextDir: string): string {
  mkdirSync(contextDir, { recursive: true });
  writeFileSync(join(contextDir, "Dockerfile"), hostBuildDockerfile);
  // The stamp is bookkeeping, not image content.
  writeFileSync(join(contextDir, ".dockerignore"), `${stampFile}\n`);
  return contextDir;
}

/**
 * Compiles the checkout into `contextDir` (binary + Dockerfile) unless the binary there was built
 * for `tag` already. Resolves to `contextDir`; rejects with go's last output lines.
 */
export function buildHostContext(source: string, contextDir: string, tag: string, toolchain: GoToolchain): Promise<string> {
  writeHostContext(contextDir);
  const stamp = join(contextDir, stampFile);
  const binary = join(contextDir, hostBinaryName);
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8") === tag) return Promise.resolve(contextDir);
  const cmd = goBuildCommand(binary, toolchain);
  return new Promise((resolve, reject) => {
    const child = spawn("go", cmd.args, { cwd: source, env: cmd.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (e) => reject(new Error(`go build in ${source}: ${e.message}`)));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`go build in ${source} failed (exit ${code}):\n${output.trim()}`));
      writeFileSync(stamp, tag);
      resolve(contextDir);
    });
  });
}

/** The Go toolchain on PATH. */
export const goCompiler: HostCompiler = { toolchain: () => goToolchain(), compile: buildHostContext };
