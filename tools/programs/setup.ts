/**
 * The set-up step of `npm test`, and a small CLI over tools/programs:
 *   tsx tools/programs/setup.ts [--path-file FILE]   provision the test programs, print what each
 *                                                     took; FILE gets the directories for PATH (JSON)
 *   tsx tools/programs/setup.ts path NAME            print a provisioned program's path
 *   tsx tools/programs/setup.ts node VERSION         provision Node.js VERSION, print its node
 * Exit 0 when every program is ready, 3 when one is missing or failed (the tests that need it
 * then fail, saying why), 2 on a usage error.
 */
import { writeFileSync } from "node:fs";
import { buildLog, isComplete, programsRoot } from "./cache";
import { ensureNodeRuntime, PROGRAMS, programPath, programPathDirs, provisionRecipe, recipe, recipeDir, TEST_RECIPES, type ProgramName } from "./index";

function usage(message: string): never {
  console.error(`tools/programs/setup.ts: ${message} (usage: [--path-file FILE] | path NAME | node VERSION)`);
  process.exit(2);
}

function setUp(pathFile: string | undefined): number {
  const start = performance.now();
  console.log(`set-up: test programs (cache: ${programsRoot()})`);
  let problems = 0;
  let built = 0;
  for (const name of TEST_RECIPES) {
    const r = recipe(name);
    const dir = recipeDir(r);
    if (!isComplete(dir) && r.missing() === undefined) console.log(`  ${name.padEnd(13)} building ${r.what} (once; log: ${buildLog(dir)})`);
    const p = provisionRecipe(r);
    if (p.state === "built") built++;
    if (p.state === "missing" || p.state === "failed") problems++;
    const state = p.state === "missing" || p.state === "failed" ? `NOT SET UP (${p.state})` : p.state;
    console.log(
      `  ${name.padEnd(13)} ${state.padEnd(8)} ${p.seconds.toFixed(1).padStart(6)} s  ${p.state === "cached" || p.state === "built" ? `${r.what}: ${p.detail.split("\n")[0]}` : p.detail}`,
    );
  }
  if (pathFile) writeFileSync(pathFile, JSON.stringify({ pathDirs: programPathDirs() }));
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`set-up: ${TEST_RECIPES.length - problems} of ${TEST_RECIPES.length} ready (${built} built) in ${seconds} s`);
  return problems ? 3 : 0;
}

const [cmd, arg, ...rest] = process.argv.slice(2);
if (cmd === "path") {
  if (!arg || rest.length || !(PROGRAMS as readonly string[]).includes(arg)) usage(`path needs one of ${PROGRAMS.join(", ")}`);
  try {
    console.log(programPath(arg as ProgramName));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(3);
  }
} else if (cmd === "node") {
  if (!arg || rest.length) usage("node needs a version");
  try {
    console.log(ensureNodeRuntime(arg));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(3);
  }
} else if (cmd === undefined || cmd === "--path-file") {
  if (cmd === "--path-file" && (!arg || rest.length)) usage("--path-file needs a file");
  process.exit(setUp(arg));
} else {
  usage(`unknown argument "${cmd}"`);
}
