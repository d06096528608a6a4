/**
 * Compiles src/ to dist/ file by file, without type checking: TypeScript's own emit
 * (ts.transpileModule, with the project's tsconfig.json), so dist/ is the same as `tsc -p
 * tsconfig.json` writes, in a second instead of ten or more (no program, no @types to load).
 * The image build runs this; types are checked by `npm run build` here and by the repository's
 * `npm run typecheck`. tsconfig.json sets isolatedModules, which makes tsc reject the constructs
 * whose meaning a file-by-file emit could get wrong.
 *
 *   node transpile.mjs [--out <dir>]      (default: the tsconfig's outDir)
 *
 * A syntax error fails with the file, line and message.
 */
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

function describe(project, d) {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relative(project, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
}

/**
 * Emits every file of `<project>/tsconfig.json` into `outDir` (default: its outDir). Returns the
 * syntax errors, one line each (`file:line:col: message`); empty when every file compiled.
 */
export function transpileProject(project, outDir) {
  const problems = [];
  const config = ts.getParsedCommandLineOfConfigFile(
    join(project, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(describe(project, d)) },
  );
  if (!config) return problems.length ? problems : [`cannot read ${join(project, "tsconfig.json")}`];
  if (config.errors.length) return config.errors.map((d) => describe(project, d));
  const rootDir = config.options.rootDir ?? join(project, "src");
  const out = outDir ?? config.options.outDir ?? join(project, "dist");
  for (const file of config.fileNames) {
    const result = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: config.options, fileName: file, reportDiagnostics: true });
    for (const d of result.diagnostics ?? []) if (d.category === ts.DiagnosticCategory.Error) problems.push(describe(project, d));
    const target = join(out, relative(rootDir, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, result.outputText);
  }
  return problems;
}

function main(argv) {
  let outDir;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && argv[i + 1]) outDir = resolve(argv[++i]);
    else return [`unknown argument ${JSON.stringify(argv[i])}; allowed: --out <dir>`];
  }
  return transpileProject(here, outDir);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = main(process.argv.slice(2));
  if (problems.length) {
    process.stderr.write(`transpile: ${problems.join("\n")}\n`);
    process.exit(1);
  }
}
