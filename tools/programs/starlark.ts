/**
 * A Python venv with the Starlark interpreter (PyPI starlark-pyo3) for the Tiltfile checker
 * (scripts/tiltfile-check). Keyed by the requirements file and the python3 it was made with.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { outputOf, runLogged } from "./cache";
import { missingPip, PYTHON } from "./python";
import type { Recipe } from "./recipe";

const requirements = join(__dirname, "..", "..", "scripts", "tiltfile-check", "requirements.txt");

function missingVenv(): string | undefined {
  const pip = missingPip();
  if (pip) return pip;
  if (outputOf(PYTHON, ["-c", "import venv, ensurepip"]) === undefined) return "python3 cannot make a venv: install its venv module (Debian: apt-get install python3-venv)";
  return undefined;
}

export function starlarkRecipe(): Recipe {
  // Asked only when the venv's directory is needed: through pyenv shims python3 takes a while.
  let python: string | undefined;
  const version = () => (python ??= outputOf(PYTHON, ["--version"])?.trim() ?? "no python3");
  const pins = readFileSync(requirements, "utf8");
  return {
    name: "starlark",
    get what() {
      return `Starlark venv (${
        pins
          .split("\n")
          .find((l) => /^[a-z]/i.test(l))
          ?.trim() ?? "?"
      }, ${version()})`;
    },
    get label() {
      return version().replace(/^Python /, "py");
    },
    get key() {
      return { python: version(), requirements: pins, revision: "1" };
    },
    files: { "starlark-python": "venv/bin/python" },
    pathDirs: [], // the venv's python must not shadow the machine's python3
    missing: missingVenv,
    build(dir, log) {
      runLogged(log, PYTHON, ["-m", "venv", join(dir, "venv")]);
      runLogged(log, join(dir, "venv", "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]);
    },
    check(dir) {
      const out = outputOf(join(dir, "venv", "bin", "python"), ["-c", "import starlark, sys; print('starlark on', sys.version.split()[0])"]);
      if (out === undefined) throw new Error(`the venv in ${dir} cannot import starlark`);
      return out.trim();
    },
  };
}
