/** The machine's python3 and pip, used to fetch from PyPI (pip download) and to make venvs. */
import { outputOf } from "./cache";

export const PYTHON = "python3";

/** One line saying what to install when python3 or its pip is missing; undefined when both work. */
export function missingPip(): string | undefined {
  if (outputOf(PYTHON, ["--version"]) === undefined) return "python3 is not on PATH: install Python 3 with pip (Debian: apt-get install python3 python3-pip python3-venv)";
  if (outputOf(PYTHON, ["-m", "pip", "--version"]) === undefined) return "python3 has no pip: install it (Debian: apt-get install python3-pip)";
  return undefined;
}

/** `pip download` arguments common to every fetch: quiet, no dependency resolution, no version nag. */
export function pipDownloadArgs(dest: string, ...rest: string[]): string[] {
  return ["-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps", "--dest", dest, ...rest];
}
