/** How verify and chaos end on bad input: one line naming their own flag, exit 2, no stack trace. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..");
const cli = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
};

describe("user commands on bad input", () => {
  test("an unknown flag: exit 2, one line with what is allowed", () => {
    const r = cli("scripts/verify.ts", ["--bogus"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^verify: unknown argument "--bogus"; allowed: --send, .* \(see --help\)$/m);
  });

  test("an unreadable forward plan is named by the command's own flag", () => {
    const commands: [string, string[]][] = [
      ["scripts/verify.ts", []],
      ["scripts/chaos.ts", ["kill-leader"]],
    ];
    for (const [script, args] of commands) {
      const r = cli(script, [...args, "--forwards-file", "/nonexistent/forwards.json"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /: --forwards-file "\/nonexistent\/forwards\.json": cannot read it \(ENOENT\) \(see --help\)$/m);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
