/**
 * `npm run bench:backend`: our backend (as the image runs it: compiled, one worker) under load
 * from a separate process, per level: req/s, p50/p99, CPU µs per request and RSS. Scenarios:
 * JSON-RPC POST at several connection counts, /health and /ready, WebSocket ping-pong; then the
 * RSS of the default pod's process and of the 2-worker option.
 *
 * With BENCH_REFERENCE_BIN=<a locally built reference demo backend> the same runs go against it
 * too, interleaved (ours, reference, ours, ...), BENCH_ROUNDS rounds (3), and the medians are
 * printed side by side with the ratio and the goal. The reference binds every interface: run the
 * comparison in a network namespace of its own, e.g.
 *   sudo unshare -n sh -c 'ip link set lo up && BENCH_REFERENCE_BIN=… npm run bench:backend'
 *
 * Equal CPU: with 2+ CPUs each server is pinned to CPU 0 and the load generator to CPU 1
 * (taskset; BENCH_PIN=0 turns it off). A run during which something else used more than 15% of
 * CPU 0 is repeated (up to 3 times); each round prints `uptime` and the top CPU users.
 * Load: wrk when installed (`apt-get install -y wrk`), else autocannon (slower, so lower ceilings).
 * Env: BENCH_SECONDS (5), BENCH_ROUNDS (3 with a reference, else 1), BENCH_CONNECTIONS (16,64,256),
 * BENCH_SCENARIOS (comma-separated keys: rpc-<conns>, health, ready, ws; all by default; a subset
 * also skips the pod RSS runs), for iterating on one scenario.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { coreBusySeconds, treeCpuSeconds, treeRssMb } from "./proc";
import { buildOurs, startOurs, startReference, type Target } from "./targets";
import { hasWrk, httpLoad, type HttpResult } from "./wrk";
import { pingpong } from "./pingpong";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const referenceBin = process.env.BENCH_REFERENCE_BIN;
const rounds = Number(process.env.BENCH_ROUNDS ?? (referenceBin ? 3 : 1));
const levels = (process.env.BENCH_CONNECTIONS ?? "16,64,256").split(",").map(Number);
const pin = process.env.BENCH_PIN !== "0" && availableParallelism() >= 2;
const serverCpu = pin ? "0" : undefined;
const loadCpu = pin ? "1" : undefined;
const useWrk = hasWrk();
const MAX_INTERFERENCE = 0.15;

const RPC_BODY = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to: "0x0000000000000000000000000000000000000001", data: "0x" }, "latest"] });

interface Measure extends HttpResult {
  cpuUsPerReq: number;
  rssMb: number;
}

interface Scenario {
  key: string;
  label: string;
  run(t: Target): Promise<HttpResult>;
}

const allScenarios: Scenario[] = [
  ...levels.map((c) => ({
    key: `rpc-${c}`,
    label: `JSON-RPC POST, ${c} conns`,
    run: (t: Target) => httpLoad({ url: `http://127.0.0.1:${t.http}/`, method: "POST", body: RPC_BODY, connections: c, seconds, cpus: loadCpu }, useWrk),
  })),
  {
    key: "health",
    label: "GET /health, 64 conns",
    run: (t: Target) => httpLoad({ url: `http://127.0.0.1:${t.http}/health`, method: "GET", connections: 64, seconds, cpus: loadCpu }, useWrk),
  },
  {
    key: "ready",
    label: "GET /ready, 64 conns",
    // The reference has no /ready; its /health is the probe to compare with.
    run: (t: Target) =>
      httpLoad({ url: `http://127.0.0.1:${t.http}/${t.name.startsWith("reference") ? "health" : "ready"}`, method: "GET", connections: 64, seconds, cpus: loadCpu }, useWrk),
  },
  { key: "ws", label: "WebSocket ping-pong, 16 conns", run: (t: Target) => pingpong(`ws://127.0.0.1:${t.http}/ws`, 16, seconds, loadCpu) },
];
const only = process.env.BENCH_SCENARIOS?.split(",").map((k) => k.trim());
const unknown = only?.filter((k) => !allScenarios.some((s) => s.key === k)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: BENCH_SCENARIOS: unknown ${unknown.join(", ")}; known: ${allScenarios.map((s) => s.key).join(", ")}`);
  process.exit(2);
}
const scenarios = only ? allScenarios.filter((s) => only.includes(s.key)) : allScenarios;

/** One scenario against one target, with its CPU and RSS; repeated while CPU 0 was shared. */
async function measure(t: Target, s: Scenario): Promise<Measure> {
  for (let attempt = 1; ; attempt++) {
    const cpu0 = coreBusySeconds(0);
    const cpu = treeCpuSeconds(t.child.pid!);
    const start = performance.now();
    const r = await s.run(t);
    const elapsed = (performance.now() - start) / 1000;
    const used = treeCpuSeconds(t.child.pid!) - cpu;
    const other = pin ? (coreBusySeconds(0) - cpu0 - used) / elapsed : 0;
    const m = { ...r, cpuUsPerReq: (used / r.requests) * 1e6, rssMb: treeRssMb(t.child.pid!) };
    if (!(other > MAX_INTERFERENCE) || attempt === 3) {
      if (other > MAX_INTERFERENCE) console.log(`    (${s.key}: CPU 0 was ${Math.round(other * 100)}% busy with other work on every attempt; kept)`);
      return m;
    }
    console.log(`    (${s.key}: CPU 0 was ${Math.round(other * 100)}% busy with other work; again)`);
  }
}

function machineLoad(): string {
  const up = execFileSync("uptime", { encoding: "utf8" })
    .trim()
    .replace(/^.*load average/, "load average");
  const top = execFileSync("ps", ["-eo", "pcpu,comm", "--sort=-pcpu"], { encoding: "utf8" })
    .split("\n")
    .slice(1, 4)
    .map((l) => l.trim())
    .join("; ");
  return `${up}; top: ${top}`;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "?");
const pad = (s: string, n: number) => s.padStart(n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function printRow(name: string, label: string, m: Measure): void {
  console.log(
    `  ${name.padEnd(16)}${label.padEnd(30)}${pad(fmt(m.rps), 9)}${pad(fmt(m.p50Ms, 2), 9)}${pad(fmt(m.p99Ms, 2), 9)}${pad(fmt(m.cpuUsPerReq, 1), 9)}${pad(fmt(m.rssMb), 7)}${pad(String(m.errors ?? 0), 7)}`,
  );
}

type Results = Map<string, Map<string, Measure[]>>;

async function runTarget(results: Results, start: () => Promise<Target>): Promise<void> {
  const t = await start();
  try {
    // Warm-up: JIT and connection setup stay out of the first level.
    await httpLoad({ url: `http://127.0.0.1:${t.http}/`, method: "POST", body: RPC_BODY, connections: 16, seconds: 2, cpus: loadCpu }, useWrk);
    const byScenario = results.get(t.name) ?? new Map<string, Measure[]>();
    results.set(t.name, byScenario);
    for (const s of scenarios) {
      const m = await measure(t, s);
      byScenario.set(s.key, [...(byScenario.get(s.key) ?? []), m]);
      printRow(t.name, s.label, m);
    }
  } finally {
    await t.stop();
  }
}

function medianOf(ms: Measure[]): Measure {
  const pick = (f: (m: Measure) => number) => median(ms.map(f));
  return {
    rps: pick((m) => m.rps),
    requests: pick((m) => m.requests),
    p50Ms: pick((m) => m.p50Ms),
    p99Ms: pick((m) => m.p99Ms),
    errors: pick((m) => m.errors),
    cpuUsPerReq: pick((m) => m.cpuUsPerReq),
    rssMb: pick((m) => m.rssMb),
  };
}

interface Goal {
  scenario: string;
  metric: string;
  value: (m: Measure) => number;
  /** ours / reference must be at most (max) or at least (min) this. */
  bound: { max?: number; min?: number };
}

const goals: Goal[] = [
  ...levels.map((c) => ({ scenario: `rpc-${c}`, metric: `CPU µs/req, JSON-RPC ${c} conns`, value: (m: Measure) => m.cpuUsPerReq, bound: { max: 1.1 } })),
  { scenario: "health", metric: "req/s, /health", value: (m) => m.rps, bound: { min: 0.8 } },
  { scenario: "ready", metric: "req/s, /ready (ref: /health)", value: (m) => m.rps, bound: { min: 0.8 } },
  { scenario: `rpc-${Math.max(...levels)}`, metric: `p99 ms, JSON-RPC ${Math.max(...levels)} conns`, value: (m) => m.p99Ms, bound: { max: 2 } },
  { scenario: "ws", metric: "round trips/s, WebSocket ping-pong", value: (m) => m.rps, bound: { min: 1 } },
];

function printComparison(results: Results, ours: string, ref: string): void {
  console.log(`\nMedians of ${rounds} rounds, ours vs reference (${pin ? "each pinned to CPU 0, load on CPU 1" : "unpinned"}):`);
  console.log(`  ${"metric".padEnd(40)}${pad("ours", 10)}${pad("reference", 11)}${pad("ratio", 8)}  goal`);
  for (const g of goals) {
    const o = results.get(ours)?.get(g.scenario);
    const r = results.get(ref)?.get(g.scenario);
    if (!o || !r) continue;
    const [a, b] = [g.value(medianOf(o)), g.value(medianOf(r))];
    const ratio = a / b;
    const ok = (g.bound.max === undefined || ratio <= g.bound.max) && (g.bound.min === undefined || ratio >= g.bound.min);
    const goal = g.bound.max !== undefined ? `<= ${g.bound.max}x` : `>= ${g.bound.min}x`;
    console.log(`  ${g.metric.padEnd(40)}${pad(fmt(a, 1), 10)}${pad(fmt(b, 1), 11)}${pad(fmt(ratio, 2), 8)}  ${goal} ${ok ? "met" : "NOT met"}`);
  }
  for (const [name, key] of [
    [ours, "rpc-64"],
    [ref, "rpc-64"],
  ] as const) {
    const m = results.get(name)?.get(key);
    if (m) console.log(`  RSS after JSON-RPC 64 conns, ${name}: ${fmt(medianOf(m).rssMb)} MB`);
  }
}

/** RSS of the default pod's process (backend.workers 1) and of the 2-worker option (a primary + 2). */
async function podMemory(): Promise<void> {
  for (const [name, workers] of [
    ["default pod (1 process)", 1],
    ["backend.workers = 2 (primary + 2 workers)", 2],
  ] as const) {
    const t = await startOurs(name, workers);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const idle = treeRssMb(t.child.pid!);
      const r = await httpLoad({ url: `http://127.0.0.1:${t.http}/`, method: "POST", body: RPC_BODY, connections: 64, seconds, cpus: loadCpu }, useWrk);
      console.log(`${name}, unpinned: RSS ${fmt(idle)} MB idle, ${fmt(treeRssMb(t.child.pid!))} MB after ${seconds} s of JSON-RPC at 64 conns (${fmt(r.rps)} req/s)`);
    } finally {
      await t.stop();
    }
  }
  console.log("(compare with the backend pod's memory request in components/backend/backend.ts)");
}

async function main(): Promise<void> {
  buildOurs();
  const ours = "ours (1 worker)";
  console.log(
    `backend benchmark: ${seconds} s per run, ${rounds} round(s), ${availableParallelism()} CPUs, load from ${useWrk ? "wrk" : "autocannon (install wrk for higher ceilings: apt-get install -y wrk)"}`,
  );
  console.log(pin ? "each server pinned to CPU 0, the load generator to CPU 1 (taskset)" : "not pinned");
  console.log(`  ${"target".padEnd(16)}${"scenario".padEnd(30)}${pad("req/s", 9)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("CPU µs", 9)}${pad("RSS MB", 7)}${pad("errors", 7)}`);
  const results: Results = new Map();
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}: ${machineLoad()}`);
    await runTarget(results, () => startOurs(ours, 1, serverCpu));
    if (referenceBin) await runTarget(results, () => startReference(referenceBin, serverCpu));
  }
  if (referenceBin) printComparison(results, ours, "reference (Go)");
  if (only) return;
  console.log("");
  await podMemory();
}

void main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
