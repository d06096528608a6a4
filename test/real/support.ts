/**
 * Plumbing for the real-binary tests: built tools, free loopback ports, temp dirs, and child
 * processes that always die with the test (each runs in its own process group, so killing the
 * group also kills whatever it forked).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasTool, requireTool, type ToolName } from "../../tools/paths";

export const repoRoot = join(__dirname, "..", "..");

/** Absolute path of a built tool; throws (so the test fails, never skips) when it is missing. */
export function tool(name: ToolName): string {
  try {
    return requireTool(name);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nrun npm run tools:build`, { cause: e });
  }
}

/**
 * Tools the Go module proxy refuses to serve (403; tools/README.md). Their tests are skipped with
 * this reason when the binary is absent, so the report says what was not verified; any other
 * missing tool makes its tests fail.
 */
const refusedByProxy: Partial<Record<ToolName, string>> = {
  "pocket-relay-miner": "the Go module proxy refuses github.com/pokt-network/pocket-relay-miner (403), so tools:build cannot make it (tools/README.md)",
  "pulumi-language-nodejs": "the Go module proxy refuses github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 (403), so tools:build cannot make it (tools/README.md)",
};

/** `describe(…, { skip: skipUnlessBuilt(name) })`: a reason to skip, or false to run (and fail if missing). */
export function skipUnlessBuilt(name: ToolName): string | false {
  if (hasTool(name)) return false;
  const why = refusedByProxy[name];
  return why ? `NOT VERIFIED: ${name} is not built: ${why}` : false;
}

/** Distinct free TCP ports on 127.0.0.1 (all held open until every one is chosen, so no repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Temp dirs and processes of one test file; `cleanup()` is idempotent and runs at exit too. */
export class Scratch {
  readonly dirs: string[] = [];
  private readonly procs: Proc[] = [];
  private readonly stops: (() => Promise<void>)[] = [];
  private cleaned = false;

  constructor() {
    // Last resort if the runner is interrupted: never leave a pocketd or redis-server behind.
    process.once("exit", () => this.killAllSync());
  }

  dir(prefix: string): string {
    const d = mkdtempSync(join(tmpdir(), `rml-${prefix}-`));
    this.dirs.push(d);
    return d;
  }

  /** Starts a process in its own group with stdout+stderr appended to `logFile`. */
  start(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string }): Proc {
    const fd = openSync(opts.logFile, "a");
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const proc = new Proc(name, child, opts.logFile);
    this.procs.push(proc);
    return proc;
  }

  /** Something started outside `start` (with its own stop) that cleanup must end too. */
  onCleanup(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  private killAllSync(): void {
    for (const p of this.procs) p.signal("SIGKILL");
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    await Promise.all([...this.procs.map((p) => p.stop()), ...this.stops.map((stop) => stop())]);
    if (!process.env.RML_KEEP_TMP) for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export class Proc {
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, sig) => {
        this.exitCode = code ?? (sig ? -1 : null);
        resolve(this.exitCode);
      }),
    );
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, sig); // the whole group
    } catch {
      /* already gone */
    }
  }

  /** SIGTERM the group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  /** Last lines of the log, for assertion messages. */
  tail(lines = 40): string {
    return this.log().split("\n").slice(-lines).join("\n");
  }
}

/** Polls `probe` until it returns a value that is not undefined; fails with `what` and the last error. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250, alive?: Proc): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (alive && !alive.running) {
      throw new Error(`${alive.name} exited (code ${alive.exitCode}) while waiting for ${what}; log tail:\n${alive.tail()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? last}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET a URL with a short timeout; undefined on connection errors (for polling). */
export async function httpGet(url: string, timeoutMs = 3000): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await httpGet(url, 10_000);
  if (!res) throw new Error(`GET ${url}: no connection`);
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}: ${res.body.slice(0, 400)}`);
  return JSON.parse(res.body) as T;
}

/** Runs a command to completion; throws with its output when it fails (unless `allowFail`). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFail?: boolean; input?: string } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    input: opts.input,
  });
  if (!opts.allowFail && (r.status !== 0 || r.error)) {
    throw new Error(`${cmd} ${args.join(" ")} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ""}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}
