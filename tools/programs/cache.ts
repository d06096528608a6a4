/**
 * The cache of provisioned programs: one directory per recipe and key, filled once under a lock
 * (several test runs or image builds may ask at the same time), marked complete by a stamp file
 * written last. A directory without its stamp is a half-done build and is redone.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** `$RELAYMINER_PROGRAMS_DIR`, else `$XDG_CACHE_HOME/relayminer-localnet/programs`, else `~/.cache/…`. */
export function programsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.RELAYMINER_PROGRAMS_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "relayminer-localnet", "programs");
}

/** `<root>/<recipe>/<label>-<first 12 hex of sha256(key)>`: a changed pin gets a fresh directory. */
export function keyedDir(recipe: string, label: string, key: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  const canonical = JSON.stringify(
    Object.keys(key)
      .sort()
      .map((k) => [k, key[k]]),
  );
  const hash = createHash("sha256").update(canonical).digest("hex").slice(0, 12);
  return join(programsRoot(env), recipe, `${label}-${hash}`);
}

const STAMP = ".provisioned";

export function isComplete(dir: string): boolean {
  return existsSync(join(dir, STAMP));
}

/** The build log of a keyed directory (beside it, so a failed build's log outlives its directory). */
export function buildLog(dir: string): string {
  return `${dir}.log`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `fn` holding `<dir>.lock` (a directory with the holder's pid); a dead holder's lock is taken over. */
function withLock<T>(dir: string, fn: () => T, waitMs = 60 * 60 * 1000): T {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // the holder is between mkdir and writing its pid
      }
      if (Number.isInteger(holder) && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder} for too long; remove it if that process is gone`, { cause: e });
      sleepSync(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Fills `dir` with `build(dir)` unless it is complete already; returns true when it built.
 * The build's output goes to buildLog(dir); a failed build leaves no directory behind.
 */
export function provision(dir: string, build: (dir: string, log: string) => void): boolean {
  if (isComplete(dir)) return false;
  mkdirSync(join(dir, ".."), { recursive: true });
  return withLock(dir, () => {
    if (isComplete(dir)) return false; // another process finished it while we waited
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const log = buildLog(dir);
    writeFileSync(log, `# ${new Date().toISOString()} building into ${dir}\n`);
    try {
      build(dir, log);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    writeFileSync(join(dir, STAMP), `${new Date().toISOString()}\n`);
    return true;
  });
}

/** Runs a command of a build with its output appended to `log`; throws with the log's tail on failure. */
export function runLogged(log: string, cmd: string, args: string[], opts: SpawnSyncOptions = {}): void {
  const fd = openSync(log, "a");
  try {
    writeFileSync(fd, `$ ${cmd} ${args.join(" ")}\n`);
    const r = spawnSync(cmd, args, { ...opts, stdio: ["ignore", fd, fd] });
    if (r.error || r.status !== 0) {
      const tail = readFileSync(log, "utf8").trimEnd().split("\n").slice(-15).join("\n");
      throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}); log: ${log}\n${tail}`);
    }
  } finally {
    closeSync(fd);
  }
}

/** stdout of a short command, or undefined when it cannot run or fails. */
export function outputOf(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000, env });
  return r.error || r.status !== 0 ? undefined : `${r.stdout}${r.stderr}`;
}
