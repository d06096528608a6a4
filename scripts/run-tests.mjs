#!/usr/bin/env node
// Finds the test files of one tier and runs them with node's own test runner (through tsx).
// Tiers:
//   unit         *.test.ts: in-process code and mocks, no child process, no server (seconds;
//                scripts/test-tiers.test.ts holds unit files to that)
//   integration  *.int.test.ts: real Redis, Prometheus, Starlark, the backend over sockets, our
//                scripts and CLIs as processes
//   test         unit + integration (`npm test`), after the set-up step that provisions the
//                programs integration needs (tools/programs; cached, so a second run costs nothing)
//   real         *.real.test.ts (needs `npm run tools:build`)
//   pods         *.pods.test.ts (a real node on this machine: root, Debian, `npm run tools:build`)
//   setup        only the set-up step
// Usage: node scripts/run-tests.mjs TIER [path-substring ...]   files of TIER whose path contains one
//        node scripts/run-tests.mjs TIER -- FILE ...             exactly these files
// Node 20's --test does not expand globs, so the file list is built here. One file that crashes or
// hangs cannot hide the others' results: a crash fails that file, and a test running longer than
// TEST_TIMEOUT_MS (default 300000; none for real and pods) fails with a timeout instead of
// stalling the run. Unit files share TEST_UNIT_PROCESSES processes (default: twice the cores;
// scripts/run-tests/groups.mjs), where a crash fails the file that ran and the rest run again;
// every other file runs in a process of its own.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { planGroups, runGroups } from "./run-tests/groups.mjs";

const root = new URL("..", import.meta.url).pathname;
const tier = process.argv[2] ?? "unit";
const rest = process.argv.slice(3);
const explicit = rest[0] === "--" ? rest.slice(1) : undefined;
const filters = explicit ? [] : rest;
const skipDirs = new Set(["node_modules", ".git", ".pulumi", ".cache", ".tools", "bin", "out"]);
const tiers = ["unit", "integration", "test", "real", "pods", "setup"];

function walk(dir, found) {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(relative(root, path));
  }
  return found;
}

const tierOf = (f) => (f.endsWith(".real.test.ts") ? "real" : f.endsWith(".pods.test.ts") ? "pods" : f.endsWith(".int.test.ts") ? "integration" : "unit");
if (!tiers.includes(tier)) {
  console.error(`unknown tier "${tier}" (known: ${tiers.join(", ")})`);
  process.exit(2);
}
const wanted = tier === "test" ? ["unit", "integration"] : [tier];
const files =
  explicit ??
  walk(root, [])
    .filter((f) => f.endsWith(".test.ts"))
    .filter((f) => wanted.includes(tierOf(f)))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();

if (tier !== "setup" && files.length === 0) {
  console.error(`no ${tier} test files found${filters.length ? ` matching ${filters.join(", ")}` : ""}`);
  process.exit(1);
}

const seconds = (from) => ((performance.now() - from) / 1000).toFixed(1);
const started = performance.now();
const env = { ...process.env };
let setupStatus = 0;
let setupSeconds;

// The set-up step: provision what integration and real-binary tests run (Redis 8.2 for the
// relay-miner's, say), and put it first on their PATH.
if (tier === "setup" || files.some((f) => tierOf(f) === "integration" || tierOf(f) === "real")) {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "rml-setup-"));
  const pathFile = join(dir, "path.json");
  const r = spawnSync(process.execPath, ["--import", "tsx", "tools/programs/setup.ts", "--path-file", pathFile], { cwd: root, stdio: "inherit" });
  setupStatus = r.status ?? 1;
  setupSeconds = seconds(t0);
  try {
    const { pathDirs } = JSON.parse(readFileSync(pathFile, "utf8"));
    env.PATH = [...pathDirs, env.PATH ?? ""].join(delimiter);
  } catch {
    console.error("set-up wrote no PATH: the tests that need its programs will say what is missing");
  }
  rmSync(dir, { recursive: true, force: true });
  if (tier === "setup") process.exit(setupStatus);
}

// Files run in parallel: much of their time is spent waiting on child servers and sockets, so
// more files than cores keeps both cores busy. The real tiers share one control plane or one
// node per machine: their files run one after another. Unit files share a few processes
// (scripts/run-tests/groups.mjs); every other file runs in a process of its own.
const cores = availableParallelism();
const concurrency = tier === "pods" || tier === "real" ? 1 : Math.max(2, cores * 3);
const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS) || 300_000;
const timeout = tier === "real" || tier === "pods" ? [] : [`--test-timeout=${testTimeoutMs}`];
// A file may take longer than one test's timeout, but not for ever (scripts/test-file-watchdog.mjs).
const watchdog = tier === "real" || tier === "pods" ? [] : ["--import", "./scripts/test-file-watchdog.mjs"];
const fileBudget = tier === "real" || tier === "pods" ? {} : { RML_TEST_FILE_BUDGET_MS: String(2 * testTimeoutMs) };
const unitFiles = files.filter((f) => tierOf(f) === "unit");
const ownProcessFiles = files.filter((f) => tierOf(f) !== "unit");

/** Writes whole lines only, so that reports from runs side by side never cut into each other's lines. */
function lineWriter() {
  let partial = "";
  return {
    write(chunk) {
      const text = partial + chunk;
      const cut = text.lastIndexOf("\n") + 1;
      partial = text.slice(cut);
      if (cut > 0) process.stdout.write(text.slice(0, cut));
    },
    end: () => partial && process.stdout.write(`${partial}\n`),
  };
}

function runOwnProcesses() {
  if (ownProcessFiles.length === 0) return Promise.resolve(0);
  const args = ["--import", "tsx", ...watchdog, "--test", `--test-concurrency=${concurrency}`, ...timeout, "--test-reporter", "spec", ...ownProcessFiles];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...env, ...fileBudget } });
  const out = lineWriter();
  child.stdout.on("data", (d) => out.write(d));
  return new Promise((resolve) => child.on("close", (code) => (out.end(), resolve(code ?? 1))));
}

async function runUnitGroups() {
  if (unitFiles.length === 0) return undefined;
  const processes = Number(process.env.TEST_UNIT_PROCESSES) || 2 * cores;
  const groups = planGroups(root, unitFiles, processes);
  return runGroups(root, groups, { concurrency: processes, nodeArgs: ["--import", "tsx"], env, fileTimeoutMs: testTimeoutMs, print: (text) => process.stdout.write(text) });
}

const [ownStatus, unit] = await Promise.all([runOwnProcesses(), runUnitGroups()]);
const unitFailed = unit !== undefined && (unit.failedFiles.length > 0 || unit.tests.fail > 0);
if (unit) {
  const failed = unit.failedFiles.map((f) => `\n✖ ${f.file}: ${f.why}`).join("");
  console.log(
    `\n== unit files: ${unitFiles.length} in ${unit.processes} processes; tests ${unit.tests.pass} passed, ${unit.tests.fail} failed, ${unit.tests.skip} skipped${failed}`,
  );
}
const status = ownStatus || (unitFailed ? 1 : 0);
const setupNote = setupSeconds === undefined ? "" : `set-up ${setupSeconds} s${setupStatus ? " (some programs NOT set up, see above)" : ""}, `;
console.log(`\n== ${tier} tier: ${files.length} files, ${setupNote}wall time ${seconds(started)} s, ${status === 0 && setupStatus === 0 ? "passed" : "FAILED"}`);
process.exit(status || setupStatus);
