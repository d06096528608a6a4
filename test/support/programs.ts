/**
 * The programs integration tests run (redis-server, redis-cli, prometheus, promtool, the Starlark
 * venv), as `npm test`'s set-up step provisioned them (tools/programs). Importing this puts their
 * directories first on PATH, so scripts run under sh find the same redis-cli as the tests do, also
 * when a file is run on its own.
 */
import { delimiter } from "node:path";
import { programPath, programPathDirs, type ProgramName } from "../../tools/programs";

const dirs = programPathDirs();
const rest = (process.env.PATH ?? "").split(delimiter).filter((d) => !dirs.includes(d));
process.env.PATH = [...dirs, ...rest].join(delimiter);

/** Absolute path of a provisioned program; throws one line saying what to install or run. */
export function program(name: ProgramName): string {
  return programPath(name);
}
