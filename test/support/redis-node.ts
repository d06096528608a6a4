/**
 * One redis-server started from a given redis.conf, on a chosen loopback address and port (as a
 * pod runs it), for tests of the conf and the cluster-forming script. `stopAllRedisNodes()` kills
 * every node started here and removes their temp dirs.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { program } from "./programs";
import { requireRedisBinaries } from "./redis-server";

const started: { child: ChildProcess; dir: string }[] = [];

/** redis-cli against host:port; its trimmed stdout. */
export function redisCli(host: string, port: number, ...args: string[]): string {
  return spawnSync(program("redis-cli"), ["-h", host, "-p", String(port), ...args], { encoding: "utf8" }).stdout.trim();
}

/** Starts redis-server with `conf`; command-line options keep it on `host` and in a temp dir. */
export async function startRedisNode(conf: string, host: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  requireRedisBinaries();
  const dir = mkdtempSync(join(tmpdir(), "rml-redis-"));
  const confPath = join(dir, "redis.conf");
  writeFileSync(confPath, conf);
  const child = spawn(program("redis-server"), [confPath, "--bind", host, "--port", String(port), "--dir", dir, ...extra], { stdio: "ignore" });
  started.push({ child, dir });
  for (let i = 0; i < 100; i++) {
    if (redisCli(host, port, "ping") === "PONG") return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on ${host}:${port} did not start`);
}

/** Kills a node and waits until it has exited. */
export async function killRedisNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

export async function stopAllRedisNodes(): Promise<void> {
  await Promise.all(started.map((s) => killRedisNode(s.child)));
  for (const s of started.splice(0)) rmSync(s.dir, { recursive: true, force: true });
}
