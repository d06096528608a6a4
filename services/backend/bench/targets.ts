/**
 * The servers the benchmark loads: our backend as the image runs it (`node dist/main.js`, compiled
 * first), and optionally a locally built reference backend (BENCH_REFERENCE_BIN). Either can be
 * pinned to one CPU with taskset.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";

export const backendDir = join(__dirname, "..");

export interface Target {
  name: string;
  child: ChildProcess;
  http: number;
  grpc: number;
  stop(): Promise<void>;
}

const hasTaskset = () => !spawnSync("taskset", ["--version"], { stdio: "ignore" }).error;

/** `cmd args` prefixed with `taskset -c <cpus>` when pinning is asked for and possible. */
export function pinned(cpus: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpus !== undefined && hasTaskset() ? ["taskset", ["-c", cpus, cmd, ...args]] : [cmd, args];
}

/** Compiles src/ to dist/ exactly as the Dockerfile does. */
export function buildOurs(): void {
  const r = spawnSync(process.execPath, [join(backendDir, "node_modules", "typescript", "bin", "tsc"), "-p", join(backendDir, "tsconfig.json")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("tsc failed");
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`target exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 20 s`);
}

/** The image's command (the Dockerfile's CMD), so the benchmark runs what the pod runs. */
function imageArgs(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(backendDir, "Dockerfile"), "utf8"))?.[1];
  const argv = cmd ? (JSON.parse(cmd) as string[]) : ["node", "dist/main.js"];
  return argv.slice(1).map((a) => (a.endsWith(".js") ? join(backendDir, a) : a));
}

/** Our backend with `workers` processes; journal and metrics on, as deployed. */
export async function startOurs(name: string, workers: number, cpus?: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ours-"));
  const cfg = join(dir, "config.yaml");
  const [http, admin, grpc, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    cfg,
    `host: 127.0.0.1\nhttp_port: ${http}\nadmin_port: ${admin}\ngrpc_port: ${grpc}\nmetrics_port: ${metrics}\nworkers: ${workers}\nlog_level: warn\nbackend_id: bench\n`,
  );
  const [cmd, args] = pinned(cpus, process.execPath, [...imageArgs(), "--config", cfg]);
  const child = spawn(cmd, args, { cwd: backendDir, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  await untilHealthy(`http://127.0.0.1:${http}/health`, child);
  return { name, child, http, grpc, stop: () => stopChild(child) };
}

/**
 * The reference backend: it reads config.yaml from its working directory and binds every
 * interface, so run the benchmark in a network namespace of its own (see README).
 */
export async function startReference(bin: string, cpus?: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ref-"));
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, "config.yaml"), `http_port: ${http}\ngrpc_port: ${grpc}\nmetrics_port: ${metrics}\n`);
  const [cmd, args] = pinned(cpus, bin, []);
  // It logs every request's headers; that cost is part of it, the text is not.
  const child = spawn(cmd, args, { cwd: dir, stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, BACKEND_ID: "bench" } });
  await untilHealthy(`http://127.0.0.1:${http}/health`, child);
  return { name: "reference (Go)", child, http, grpc, stop: () => stopChild(child) };
}
