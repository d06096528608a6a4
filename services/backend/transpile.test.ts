import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { transpileProject } from "./transpile.mjs";

const backendDir = __dirname;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "transpile-"));
  writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(backendDir, "tsconfig.json")));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test("emits one .js per source file of the tsconfig (tests left out), as CommonJS that runs", () => {
  const dir = project({
    "src/main.ts": 'import { double } from "./lib/math";\nexport const answer: number = double(21);\n',
    "src/lib/math.ts": "export function double(n: number): number {\n  return n * 2;\n}\n",
    "src/lib/math.test.ts": "throw new Error('tests are not compiled');\n",
  });
  try {
    assert.deepEqual(transpileProject(dir), []);
    assert.deepEqual(readdirSync(join(dir, "dist"), { recursive: true }).map(String).sort(), ["lib", "lib/math.js", "main.js"]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal((require(join(dir, "dist", "main.js")) as { answer: number }).answer, 42);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the emit is TypeScript's, with the backend's compiler options", () => {
  const source = 'import express from "express";\nexport enum Kind { A, B }\nexport const app = express();\n';
  const dir = project({ "src/app.ts": source });
  try {
    assert.deepEqual(transpileProject(dir, join(dir, "out")), []);
    const expected = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, strict: true },
      fileName: "app.ts",
    }).outputText;
    assert.equal(readFileSync(join(dir, "out", "app.js"), "utf8"), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a syntax error is reported with its file and line, after every file was tried", () => {
  const dir = project({ "src/ok.ts": "export const a = 1;\n", "src/broken.ts": "export const b = ;\n" });
  try {
    const problems = transpileProject(dir);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^src\/broken\.ts:1:18: Expression expected\.$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
