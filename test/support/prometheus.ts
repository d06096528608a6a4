/**
 * Runs the real Prometheus binaries for tests: promtool to check configs, and a Prometheus server
 * on 127.0.0.1 (free port, temp TSDB dir) to evaluate queries and scrape real targets. Both are
 * the release the localnet deploys, provisioned by `npm test`'s set-up step; a missing binary is a
 * test failure saying what to install or run, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopProcess } from "./process";
import { freePort } from "./ports";
import { program } from "./programs";

/** Absolute path of a Prometheus binary, or an Error telling how to get it. */
export function prometheusBinary(name: "promtool" | "prometheus"): string {
  return program(name);
}

/** Runs `promtool check config` on YAML text; returns its exit code and output. */
export function promtoolCheckConfig(yaml: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "promtool-"));
  try {
    const file = join(dir, "prometheus.yml");
    writeFileSync(file, yaml);
    const r = spawnSync(prometheusBinary("promtool"), ["check", "config", file], { encoding: "utf8", timeout: 20_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningPrometheus {
  url: string;
  query(expr: string): Promise<QueryResult>;
  stop(): Promise<void>;
}

export interface QueryResult {
  httpStatus: number;
  status: "success" | "error";
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready after ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts Prometheus with `configYaml` on 127.0.0.1 (on `port` when given, so a config can name
 * Prometheus itself); stop() kills it and removes its directory.
 */
export async function startPrometheus(configYaml: string, opts: { port?: number } = {}): Promise<RunningPrometheus> {
  const binary = prometheusBinary("prometheus");
  const dir = mkdtempSync(join(tmpdir(), "prometheus-test-"));
  writeFileSync(join(dir, "prometheus.yml"), configYaml);
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(
    binary,
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));

  const stop = () => stopProcess(child, dir);

  try {
    await waitReady(url, child, () => output, 20_000);
  } catch (e) {
    await stop();
    throw e;
  }

  const query = async (expr: string): Promise<QueryResult> => {
    const res = await fetch(`${url}/api/v1/query`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: expr }).toString(),
    });
    return { httpStatus: res.status, ...((await res.json()) as Omit<QueryResult, "httpStatus">) };
  };
  return { url, query, stop };
}
