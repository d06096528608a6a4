/**
 * The test runner itself: a file that crashes, exits, leaks async errors or hangs fails on its
 * own, and every other file's results are still reported, with the tier's closing line.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

const root = join(__dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "rml-runner-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const fixtures: Record<string, string> = {
  "a-crashes-at-import.test.ts": `throw new Error("boom at import");\n`,
  "b-exits.test.ts": `import { test } from "node:test";\ntest("exits mid-test", () => { process.exit(7); });\n`,
  "c-leaks.test.ts": [
    `import { test } from "node:test";`,
    `import { spawn } from "node:child_process";`,
    // A child that cannot start, with no 'error' listener: the error lands after the test ended.
    `test("spawns a missing program", () => { spawn("rml-no-such-program-xyz"); });`,
    ``,
  ].join("\n"),
  "d-hangs.test.ts": `import { test } from "node:test";\ntest("hangs", () => new Promise(() => setInterval(() => undefined, 1000)));\n`,
  "e-passes.test.ts": `import { test } from "node:test";\ntest("the healthy file is still reported", () => {});\n`,
};

const brokenFiles = ["a-crashes-at-import", "b-exits", "c-leaks", "d-hangs"];

function runUnitTier(processes: string) {
  const files = Object.entries(fixtures).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit", "--", ...files], {
    cwd: root,
    encoding: "utf8",
    timeout: 240_000,
    // NODE_TEST_CONTEXT would make the inner `node --test` think it is a file of this run.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT")), TEST_TIMEOUT_MS: "30000", TEST_UNIT_PROCESSES: processes },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The tier's closing list: every file that failed, each once, with why. */
function failedList(out: string): Map<string, string> {
  const list = out.slice(out.lastIndexOf("== unit files:"));
  return new Map([...list.matchAll(/^✖ .*\/([a-z-]+)\.test\.ts: (.*)$/gm)].map((m) => [m[1], m[2]]));
}

// The timeout is the hanging file's, and also bounds each file's start-up on a loaded machine.
test("one broken file never hides the others' results, all five files in one shared process", () => {
  const { status, out } = runUnitTier("1");
  assert.notEqual(status, 0, out);
  // The file after the one that exited mid-test ran all the same, in a new process.
  assert.match(out, /✔ the healthy file is still reported/);
  const failed = failedList(out);
  assert.deepEqual([...failed.keys()].sort(), brokenFiles, out);
  assert.match(failed.get("b-exits")!, /^its process ended \(exit code 7\) while it ran$/);
  assert.match(failed.get("c-leaks")!, /^an uncaught error: spawn rml-no-such-program-xyz ENOENT$/);
  assert.equal(failed.get("d-hangs"), "test timed out after 30000ms");
  assert.equal(failed.get("a-crashes-at-import"), "boom at import");
  // The crash's group; the files it kept from running; those again each alone, for the uncaught error.
  assert.match(out, /== unit files: 5 in 6 processes; tests 2 passed, 1 failed/);
  assert.match(out, /== unit tier: 5 files, wall time [\d.]+ s, FAILED/);
});
