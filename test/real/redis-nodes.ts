/**
 * Real redis-server processes for the relay-path tests: one standalone node, or a Redis Cluster of
 * `shards` primaries with one replica each (the localnet's cluster shape), formed with cluster
 * commands only (no redis-cli), on 127.0.0.1 ports of their own.
 */
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { freePorts, run, waitFor, type Proc, type Scratch } from "./support";

export interface RedisNode {
  port: number;
  /** Cluster bus port (cluster mode). */
  busPort?: number;
  proc: Proc;
}

export interface RunningRedis {
  mode: "standalone" | "cluster";
  nodes: RedisNode[];
  /** What the relay-miner is given: redis://… or redis-cluster://seed,… */
  url: string;
  /** A client for test reads (a Cluster client routes by slot). */
  client: Redis | Cluster;
  version: string;
  close(): void;
}

/** The redis-server on PATH; it must be 8.2 or newer (the miner acknowledges with XACKDEL). */
export function redisServerBinary(): string {
  const r = run("sh", ["-c", "command -v redis-server"], { allowFail: true });
  if (r.status !== 0) throw new Error("redis-server is not on PATH; the relay-path tests need Redis 8.2 or newer");
  return r.stdout.trim();
}

async function startNode(scratch: Scratch, dir: string, port: number, clusterBusPort?: number): Promise<RedisNode> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--dbfilename", `dump-${port}.rdb`];
  if (clusterBusPort !== undefined) {
    args.push("--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-port", String(clusterBusPort), "--cluster-node-timeout", "5000");
  }
  const proc = scratch.start(`redis-${port}`, redisServerBinary(), args, { logFile: join(dir, `redis-${port}.log`) });
  const probe = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await waitFor(
      `redis ${port} PING`,
      async () => {
        if (probe.status !== "ready") await probe.connect().catch(() => undefined);
        return (await probe.ping()) === "PONG" || undefined;
      },
      15_000,
      100,
      proc,
    );
  } finally {
    probe.disconnect();
  }
  return { port, busPort: clusterBusPort, proc };
}

const versionOf = async (c: Redis) => /redis_version:(\S+)/.exec(await c.info("server"))?.[1] ?? "?";

export async function startStandaloneRedis(scratch: Scratch): Promise<RunningRedis> {
  const dir = scratch.dir("redis");
  const [port] = (await freePorts(1)) as [number];
  const node = await startNode(scratch, dir, port);
  const client = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 2 });
  return { mode: "standalone", nodes: [node], url: `redis://127.0.0.1:${port}`, client, version: await versionOf(client), close: () => client.disconnect() };
}

/** `shards` primaries (slots split evenly), each with one replica; waits for cluster_state:ok everywhere. */
export async function startRedisCluster(scratch: Scratch, shards = 3): Promise<RunningRedis> {
  const dir = scratch.dir("redis-cluster");
  const ports = await freePorts(shards * 4);
  const nodes: RedisNode[] = [];
  for (let i = 0; i < shards * 2; i++) nodes.push(await startNode(scratch, dir, ports[i], ports[shards * 2 + i]));
  const admin = nodes.map((n) => new Redis({ host: "127.0.0.1", port: n.port, maxRetriesPerRequest: 2 }));
  try {
    // The bus ports are not port + 10000 here, so MEET names them.
    for (const c of admin.slice(1)) await c.cluster("MEET", "127.0.0.1", nodes[0].port, nodes[0].busPort!);
    await waitFor(
      "every node knows every other",
      async () => {
        const counts = await Promise.all(admin.map(async (c) => ((await c.cluster("NODES")) as string).trim().split("\n").length));
        return counts.every((n) => n === nodes.length) || undefined;
      },
      20_000,
      200,
    );
    const per = Math.ceil(16384 / shards);
    for (let s = 0; s < shards; s++) await admin[s].cluster("ADDSLOTSRANGE", s * per, Math.min(16383, (s + 1) * per - 1));
    for (let s = 0; s < shards; s++) {
      const primaryId = await admin[s].cluster("MYID");
      const replica = admin[shards + s];
      await waitFor(`replica of shard ${s} sees its primary`, async () => (((await replica.cluster("NODES")) as string).includes(primaryId) ? true : undefined), 10_000, 200);
      await replica.cluster("REPLICATE", primaryId);
    }
    await waitFor(
      "cluster_state:ok on every node",
      async () => {
        const infos = await Promise.all(admin.map((c) => c.cluster("INFO")));
        return infos.every((i) => /cluster_state:ok/.test(i)) || undefined;
      },
      30_000,
      250,
    );
  } finally {
    for (const c of admin) c.disconnect();
  }
  const seeds = nodes.map((n) => ({ host: "127.0.0.1", port: n.port }));
  const client = new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 2 } });
  const first = new Redis({ host: "127.0.0.1", port: nodes[0].port });
  const version = await versionOf(first);
  first.disconnect();
  return {
    mode: "cluster",
    nodes,
    url: `redis-cluster://${seeds.map((s) => `${s.host}:${s.port}`).join(",")}`,
    client,
    version,
    close: () => client.disconnect(),
  };
}
