import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eachArg, planCommandDefaults, planCommandFlag } from "./flags";
import { usageErrorOf } from "../test/support/usage-error";

/** Every flag with the value it took (or null), in order. */
function walk(argv: string[], takesValue: readonly string[]): [string, string | null][] {
  const seen: [string, string | null][] = [];
  eachArg(argv, (flag, value) => seen.push([flag, takesValue.includes(flag) ? value() : null]));
  return seen;
}

describe("the command-line walker every user command uses", () => {
  test("--flag value, --flag=value (the value may hold '='), switches and positionals", () => {
    assert.deepEqual(walk(["pause-redis", "5", "--stack", "dev", "--redis=redis://u:a=b@127.0.0.1:1", "--json", "-h"], ["--stack", "--redis"]), [
      ["pause-redis", null],
      ["5", null],
      ["--stack", "dev"],
      ["--redis", "redis://u:a=b@127.0.0.1:1"],
      ["--json", null],
      ["-h", null],
    ]);
  });

  test("a value that is missing or empty is a UsageError naming the flag", () => {
    assert.equal(
      usageErrorOf(() => walk(["--stack"], ["--stack"])),
      "--stack needs a value",
    );
    assert.equal(
      usageErrorOf(() => walk(["--stack=", "x"], ["--stack"])),
      "--stack needs a value",
    );
  });

  test("the shared flags of the commands that read a forward plan", () => {
    const out = planCommandDefaults();
    assert.deepEqual(out, { json: false, help: false, forwards: { kind: "stack", stack: "local" } });
    eachArg(["--json", "--forwards-file", "f.json", "--other"], (flag, value) => {
      if (!planCommandFlag(out, flag, value)) assert.equal(flag, "--other");
    });
    assert.deepEqual(out, { json: true, help: false, forwards: { kind: "file", path: "f.json" } });
  });
});
