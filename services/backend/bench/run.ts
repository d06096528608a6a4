/**
 * `npm run bench:backend`: JSON-RPC POST load on 127.0.0.1 against
 *   - the backend's lean node:http path with 1 worker and with `workers: auto`,
 *   - the same echo written with express.json() + res.json (bench/express-server.ts),
 * at several concurrency levels for a fixed short duration each, plus WebSocket frame throughput.
 * Load comes from a separate process (autocannon). Env: BENCH_SECONDS (5), BENCH_RUNS (1; with
 * more, the median run is reported), BENCH_CONNECTIONS (16,64,256).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 1);
const levels = (process.env.BENCH_CONNECTIONS ?? "16,64,256").split(",").map(Number);
const here = __dirname;
const node = (script: string, args: string[] = []) =>
  spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: join(here, "..", "..", ".."), stdio: ["ignore", "pipe", "inherit"] });

async function startTarget(kind: "lean" | "express", workers: number): Promise<{ child: ChildProcess; port: number }> {
  let child: ChildProcess;
  if (kind === "express") child = node(join(here, "express-server.ts"));
  else {
    const cfg = join(mkdtempSync(join(tmpdir(), "bench-")), "config.yaml");
    writeFileSync(cfg, `host: 127.0.0.1\nhttp_port: 0\nadmin_port: 0\ngrpc_port: 0\nmetrics_port: 0\nworkers: ${workers}\nlog_level: info\nbackend_id: bench\n`);
    child = node(join(here, "..", "src", "main.ts"), ["--config", cfg]);
  }
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) resolve(JSON.parse(line).http);
    });
    child.on("exit", (code) => reject(new Error(`target exited ${code}`)));
  });
  child.stdout!.resume();
  return { child, port };
}

async function load(mode: "http" | "ws", url: string, connections: number): Promise<any> {
  const c = node(join(here, "load.ts"), [mode, url, String(connections), String(seconds)]);
  let out = "";
  c.stdout.on("data", (d) => (out += d));
  await once(c, "exit");
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];
const pad = (s: string | number, n: number) => String(s).padStart(n);

async function main(): Promise<void> {
  const cpus = availableParallelism();
  console.log(`backend benchmark: ${seconds}s per level, ${runs} run(s) per level (median shown), ${cpus} CPU(s), load from a separate autocannon process`);
  console.log(`JSON-RPC POST eth_call echo on 127.0.0.1\n`);
  console.log(`${"target".padEnd(26)}${pad("conns", 7)}${pad("req/s", 10)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("errors", 8)}`);
  const targets: Array<{ name: string; kind: "lean" | "express"; workers: number }> = [
    { name: "lean node:http, 1 worker", kind: "lean", workers: 1 },
    { name: `lean node:http, ${cpus} workers`, kind: "lean", workers: cpus },
    { name: "express json, 1 process", kind: "express", workers: 1 },
  ];
  for (const t of targets) {
    if (t.kind === "lean" && t.workers === 1 && cpus === 1 && t !== targets[0]) continue;
    const { child, port } = await startTarget(t.kind, t.workers);
    try {
      // Short warm-up so JIT and connection setup do not land in the first level.
      await load("http", `http://127.0.0.1:${port}/`, 16);
      for (const c of levels) {
        const results = [];
        for (let i = 0; i < runs; i++) results.push(await load("http", `http://127.0.0.1:${port}/`, c));
        const r = median(results, (x) => x.rps);
        console.log(`${t.name.padEnd(26)}${pad(c, 7)}${pad(Math.round(r.rps), 10)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.errors + r.non2xx, 8)}`);
      }
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }
  const { child, port } = await startTarget("lean", cpus);
  try {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await load("ws", `ws://127.0.0.1:${port}/ws`, 16));
    const r = median(results, (x) => x.msgs_per_s);
    console.log(`\nWebSocket: 16 connections x repeat_count 1000 bursts, ${cpus} workers: ${Math.round(r.msgs_per_s)} frames/s received`);
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}

void main();
