// The unit tier in a few shared processes instead of one per file (group-entry.mjs runs one).
// Most unit files take less CPU than starting Node with tsx, and the program tests each load
// Pulumi (about a second of CPU): sharing a process pays that once per group.
// What a process of its own still guarantees is kept: a file that crashes its group fails on its
// own, and the files the crash kept from running run again in a new group.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { clearTimeout, setTimeout } from "node:timers";

/** A file that must not share a process says so on a line of its own, with the reason. */
const OWN_PROCESS = /^\/\/ test-runner: own process\b/m;
/** Files that run the program under mocks cost several times a plain file. */
const HEAVY = /mock-program|rollout-program|@pulumi\/pulumi/;

function weightOf(root, file) {
  const text = readFileSync(resolve(root, file), "utf8");
  return { alone: OWN_PROCESS.test(text), weight: HEAVY.test(text) ? 5 : 1 };
}

/**
 * Splits `files` into at most `count` groups of about equal weight (largest first, each to the
 * lightest group), plus a group of one for each file that asks for its own process.
 */
export function planGroups(root, files, count) {
  const weighed = files.map((file) => ({ file, ...weightOf(root, file) }));
  const groups = Array.from({ length: Math.max(1, Math.min(count, files.length)) }, () => ({ files: [], weight: 0 }));
  for (const f of weighed.filter((w) => !w.alone).sort((a, b) => b.weight - a.weight || a.file.localeCompare(b.file))) {
    const lightest = groups.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.files.push(f.file);
    lightest.weight += f.weight;
  }
  return [...weighed.filter((w) => w.alone).map((w) => [w.file]), ...groups.map((g) => g.files.sort()).filter((g) => g.length > 0)];
}

function readLog(path) {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // No line written: the process died before its first file started.
  }
  const lines = text.split("\n").filter(Boolean);
  const named = (event) => new Set(lines.filter((l) => l.startsWith(`${event} `)).map((l) => l.slice(event.length + 1)));
  const records = (event) => lines.filter((l) => l.startsWith(`${event} `)).map((l) => JSON.parse(l.slice(event.length + 1)));
  const results = [...records("file-pass").map((r) => ({ ...r, failed: false })), ...records("file-fail").map((r) => ({ ...r, failed: true }))];
  return { started: named("start"), ended: named("end"), results, uncaught: records("uncaught"), done: lines.includes("done ") };
}

function runGroup(root, files, { nodeArgs, env, fileTimeoutMs }) {
  const dir = mkdtempSync(join(tmpdir(), "rml-group-"));
  const log = join(dir, "log");
  const args = [
    ...nodeArgs,
    "--test-reporter",
    "spec",
    "--test-reporter-destination",
    "stdout",
    // It writes nothing to its stream (see the file); a file destination (even /dev/null) is
    // fsynced at the end by Node 22 and later, which /dev/null refuses.
    "--test-reporter",
    "./scripts/run-tests/tally-reporter.mjs",
    "--test-reporter-destination",
    "stdout",
    "scripts/run-tests/group-entry.mjs",
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, RML_TEST_GROUP_FILES: JSON.stringify(files), RML_TEST_GROUP_LOG: log, RML_TEST_FILE_TIMEOUT_MS: String(fileTimeoutMs) },
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  // Each file's suite has its timeout; this only ends a process stuck outside any test.
  const budget = setTimeout(() => child.kill("SIGKILL"), fileTimeoutMs * (files.length + 1));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(budget);
      const result = { files, output, code, signal, ...readLog(log) };
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
}

/**
 * Runs the groups, at most `concurrency` at once, printing each group's report whole when it
 * ends. Resolves to the totals: files, failed files (with why), tests passed/failed/skipped.
 */
export async function runGroups(root, groups, { concurrency, print, ...options }) {
  const queue = groups.map((files) => files.slice());
  const totals = { processes: 0, failedFiles: [], tests: { pass: 0, fail: 0, skip: 0 } };
  async function worker() {
    for (let files = queue.shift(); files; files = queue.shift()) {
      totals.processes++;
      const started = performance.now();
      const r = await runGroup(root, files, options);
      print(`${r.output}ℹ ${files.length === 1 ? "1 file" : `${files.length} files`} in one process: ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
      if (r.uncaught.length > 0 && files.length > 1) {
        // Node names the test behind an uncaught error only in its closing summary, if at all:
        // in a process of its own, each file says for itself.
        print(`✖ an uncaught error in a shared process (${r.uncaught.map((u) => u.message).join("; ")}): its ${files.length} files run again, each alone\n`);
        for (const f of files) queue.push([f]);
        continue;
      }
      const reported = new Set(r.results.map((x) => x.file));
      for (const x of r.results) {
        for (const key of Object.keys(totals.tests)) totals.tests[key] += x[key];
        if (x.failed) totals.failedFiles.push({ file: x.file, why: x.why ?? "failed (its report is above)" });
      }
      for (const u of r.uncaught) totals.failedFiles.push({ file: files[0], why: `an uncaught error: ${u.message}` });
      if (r.done) continue;
      // The process ended before its last file did. The file it was running failed; the files
      // without a result run again (when none was running, each alone, to find the one at fault).
      const how = r.signal ? `signal ${r.signal}` : `exit code ${r.code}`;
      const running = files.filter((f) => r.started.has(f) && !r.ended.has(f) && !reported.has(f));
      const again = files.filter((f) => !reported.has(f) && !running.includes(f));
      for (const f of running) {
        totals.failedFiles.push({ file: f, why: `its process ended (${how}) while it ran` });
        print(`✖ ${f}: its process ended (${how}) while it ran\n`);
      }
      if (running.length === 0 && files.length === 1 && again.length === 1) {
        totals.failedFiles.push({ file: files[0], why: `its process ended (${how}) before its tests ran` });
        print(`✖ ${files[0]}: its process ended (${how}) before its tests ran\n`);
      } else if (running.length === 0) {
        for (const f of again) queue.push([f]);
      } else if (again.length > 0) {
        queue.push(again);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return totals;
}
