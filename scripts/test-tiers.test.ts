/**
 * The unit tier stays in-process: a `*.test.ts` file (and the test helpers it imports) starts no
 * child process and no server. A file that does belongs in the integration tier: `*.int.test.ts`.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const root = join(__dirname, "..");
const skip = new Set(["node_modules", ".git", ".pulumi", ".cache", ".tools", "bin", "out"]);

function walk(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (skip.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(path);
  }
  return found;
}

const isUnitTest = (f: string) => f.endsWith(".test.ts") && !/\.(int|real|pods)\.test\.ts$/.test(f);
/** Shared test code (followed through imports), as opposed to the code under test. */
const isHelper = (f: string) =>
  !f.endsWith(".test.ts") && /^(test\/support\/|test\/mock-program\.ts$|services\/backend\/test\/)|(^|\/)test-support\/|test-helpers\.ts$/.test(relative(root, f));
/** What starts a program: child processes, the provisioned programs, the backend's servers. */
const starters = [join(root, "test/support/programs.ts"), join(root, "services/backend/src/app.ts")];

function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\b[^"']*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, "index.ts"), base].find((p) => existsSync(p) && statSync(p).isFile());
}

/** Why `file` is not a unit test (the first program-starting import found), or undefined. */
function startsAProgram(file: string): string | undefined {
  const seen = new Set<string>();
  const queue = [file];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const spec of importsOf(f)) {
      if (spec === "node:child_process" || spec === "child_process") return `${relative(root, f)} imports ${spec}`;
      const local = resolveLocal(f, spec);
      if (local && starters.includes(local)) return `${relative(root, f)} imports ${relative(root, local)}`;
      if (local && isHelper(local)) queue.push(local);
    }
  }
  return undefined;
}

test("unit test files start no program (else they are named *.int.test.ts)", () => {
  const unit = walk(root).filter(isUnitTest);
  assert.ok(unit.length > 10, `found only ${unit.length} unit test files`);
  const misplaced = unit.flatMap((f) => {
    const why = startsAProgram(f);
    return why ? [`${relative(root, f)}: ${why}`] : [];
  });
  assert.deepEqual(misplaced, []);
});

test("the check sees a program started through a helper", () => {
  assert.match(startsAProgram(join(root, "dashboards/promql-eval.int.test.ts")) ?? "", /^test\/support\/prometheus\.ts imports /);
  assert.match(startsAProgram(join(root, "services/backend/test/admin.int.test.ts")) ?? "", /imports services\/backend\/src\/app\.ts/);
});
