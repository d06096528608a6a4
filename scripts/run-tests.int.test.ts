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

// The timeout is the hanging file's, and also bounds each file's start-up on a loaded machine.
test("one broken file never hides the others' results", () => {
  const files = Object.entries(fixtures).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const r = spawnSync(process.execPath, ["scripts/run-tests.mjs", "unit", "--", ...files], {
    cwd: root,
    encoding: "utf8",
    timeout: 240_000,
    // NODE_TEST_CONTEXT would make the inner `node --test` think it is a file of this run.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT")), TEST_TIMEOUT_MS: "30000" },
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.notEqual(r.status, 0, out);
  assert.match(out, /✔ the healthy file is still reported/);
  for (const name of ["a-crashes-at-import", "b-exits", "c-leaks"]) assert.match(out, new RegExp(`✖ .*${name}\\.test\\.ts .*\\n {2}'test failed'`));
  // Node 20/22 name the file in the failure; Node 24 names the test, after "test at <file>".
  assert.match(out, /(✖ .*d-hangs\.test\.ts .*|d-hangs\.test\.ts:\d+:\d+\n✖ hangs .*)\n {2}'test timed out after 30000ms'/);
  assert.match(out, /ℹ pass 2\n/, "the healthy file and the test that leaked after it ended");
  assert.match(out, /== unit tier: 5 files, wall time [\d.]+ s, FAILED/);
});
