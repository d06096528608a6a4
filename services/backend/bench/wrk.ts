/**
 * HTTP load with wrk (one thread per pinned core; Debian: `apt-get install -y wrk`), or with
 * autocannon in a separate Node process when wrk is not installed. Both report req/s and latency
 * percentiles the same way.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinned } from "./targets";

export interface HttpResult {
  rps: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Connect/read/write errors, timeouts and non-2xx answers. */
  errors: number;
}

export interface HttpLoad {
  url: string;
  method: "GET" | "POST";
  body?: string;
  connections: number;
  seconds: number;
  /** CPUs for the load generator (taskset -c). */
  cpus?: string;
}

export const hasWrk = () => !spawnSync("wrk", ["--version"], { stdio: "ignore" }).error || spawnSync("wrk", ["-v"], { encoding: "utf8" }).stdout?.includes("wrk");

function luaScript(load: HttpLoad): string {
  const lines = [`wrk.method = "${load.method}"`];
  if (load.body !== undefined) {
    lines.push(`wrk.body = ${JSON.stringify(load.body)}`, `wrk.headers["Content-Type"] = "application/json"`);
  }
  lines.push(
    "done = function(summary, latency, requests)",
    "  local e = summary.errors",
    '  io.write(string.format(\'\\nRESULT {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\\n\',',
    "    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status, latency:percentile(50), latency:percentile(99)))",
    "end",
  );
  return lines.join("\n");
}

async function run(cmd: string, args: string[]): Promise<string> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await once(child, "exit");
  return out;
}

async function withWrk(load: HttpLoad): Promise<HttpResult> {
  const script = join(mkdtempSync(join(tmpdir(), "bench-wrk-")), "load.lua");
  writeFileSync(script, luaScript(load));
  const threads = load.cpus ? load.cpus.split(",").length : 1;
  const [cmd, args] = pinned(load.cpus, "wrk", ["-t", String(threads), "-c", String(load.connections), "-d", `${load.seconds}s`, "--timeout", "10s", "-s", script, load.url]);
  const out = await run(cmd, args);
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`wrk printed no result:\n${out}`);
  const r = JSON.parse(line.slice("RESULT ".length)) as { requests: number; duration_us: number; errors: number; p50_us: number; p99_us: number };
  return { rps: r.requests / (r.duration_us / 1e6), requests: r.requests, p50Ms: r.p50_us / 1000, p99Ms: r.p99_us / 1000, errors: r.errors };
}

async function withAutocannon(load: HttpLoad): Promise<HttpResult> {
  const [cmd, args] = pinned(load.cpus, process.execPath, [
    "--import",
    "tsx",
    join(__dirname, "load.ts"),
    "http",
    load.url,
    String(load.connections),
    String(load.seconds),
    load.method,
    load.body ?? "",
  ]);
  const out = await run(cmd, args);
  return JSON.parse(out.trim().split("\n").at(-1)!) as HttpResult;
}

export function httpLoad(load: HttpLoad, useWrk: boolean): Promise<HttpResult> {
  return useWrk ? withWrk(load) : withAutocannon(load);
}
