/**
 * Real redis-server processes for tests: one standalone node, or a 3-primary Redis Cluster, on
 * 127.0.0.1 with free ports and a temp dir each; `stop()` kills them and removes the dirs.
 * A missing redis-server is a test failure saying what to install or run, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { after, before } from "node:test";
import { freePort } from "./ports";
import { program } from "./programs";

export interface RedisServers {
  ports: number[];
  stop(): Promise<void>;
}

/** Throws one line saying what to install or run when the binaries are not provisioned. */
export function requireRedisBinaries(): void {
  program("redis-server");
  program("redis-cli");
}

async function waitForPing(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${proc.exitCode}): ${log()}`);
    const c = new Redis({ host: "127.0.0.1", port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    c.on("error", () => undefined);
    try {
      await c.connect();
      if ((await c.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${log()}`);
}

async function startNodes(count: number, cluster: boolean): Promise<RedisServers> {
  requireRedisBinaries();
  const dir = mkdtempSync(join(tmpdir(), "rml-redis-"));
  const procs: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once("exit", () => resolve());
            p.kill("SIGKILL");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      // A free port can be taken again before redis-server binds it (files run in parallel, and the
      // cluster bus port is picked the same way): on "Address already in use", pick again.
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        let bus = await freePort();
        while (bus === port) bus = await freePort();
        const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "yes"];
        args.push("--dbfilename", `dump-${port}.rdb`);
        if (cluster) {
          // The cluster bus port defaults to port+10000, which may be taken or >65535: pick one.
          args.push("--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-port", String(bus));
        }
        let output = "";
        const proc = spawn(program("redis-server"), args, { stdio: ["ignore", "pipe", "pipe"] });
        proc.stdout?.on("data", (d) => (output = (output + d).slice(-2000)));
        proc.stderr?.on("data", (d) => (output = (output + d).slice(-2000)));
        procs.push(proc);
        try {
          await waitForPing(port, proc, () => output);
          ports.push(port);
          break;
        } catch (e) {
          if (attempt >= 5 || !output.includes("Address already in use")) throw e;
        }
      }
    }
    return { ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function startStandalone(): Promise<RedisServers> {
  return startNodes(1, false);
}

/** Three primaries, no replicas, all 16384 slots assigned, cluster_state:ok on every node. */
export async function startCluster(): Promise<RedisServers> {
  const servers = await startNodes(3, true);
  try {
    const create = spawnSync(program("redis-cli"), ["--cluster", "create", ...servers.ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 15_000;
    for (const port of servers.ports) {
      const c = new Redis({ host: "127.0.0.1", port });
      try {
        while (!/cluster_state:ok/.test(await c.cluster("INFO"))) {
          if (Date.now() > deadline) throw new Error(`cluster node ${port} never reached cluster_state:ok`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        c.disconnect();
      }
    }
    return servers;
  } catch (e) {
    await servers.stop();
    throw e;
  }
}

/** A standalone redis-server for one describe block (started before its tests, stopped after) with a client of it. */
export interface StandaloneSuite {
  servers: RedisServers;
  url: string;
  writer: Redis;
}

export function standaloneForSuite(prepare?: (s: StandaloneSuite) => Promise<unknown>): StandaloneSuite {
  const suite = {} as StandaloneSuite;
  before(async () => {
    suite.servers = await startStandalone();
    suite.url = `redis://127.0.0.1:${suite.servers.ports[0]}`;
    suite.writer = new Redis({ host: "127.0.0.1", port: suite.servers.ports[0] });
    await prepare?.(suite);
  });
  after(async () => {
    suite.writer?.disconnect();
    await suite.servers?.stop();
  });
  return suite;
}
