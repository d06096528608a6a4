/** kill-leader and kill-miner: SIGKILL a miner's process; its lock and leases must come back to live miners. */
import { consumerNameOfLeader } from "../../../components/topology/names";
import type { ChaosContext } from "../context";
import { heightMoving, leaderRecovered, leaseOwners, leasesLive, lockNow } from "../recovery";
import { processOfInstance } from "../targets";
import { type ActionReport, killRelayMiner, podBack, watchAll } from "./common";

async function killAndWatch(ctx: ChaosContext, action: string, pod: string, pid: number | undefined, why: string): Promise<ActionReport> {
  const before = await ctx.kube.pod(pod);
  if (!before) throw new Error(`no pod ${pod}`);
  const lock = await lockNow(ctx.reader, ctx.clock);
  const owners = await leaseOwners(ctx.reader);
  const consumer = (p: number) => consumerNameOfLeader(`${pod}-${p}`);
  const killedAt = ctx.clock.now();
  const killed = await killRelayMiner(ctx, pod, "miner", pid);
  const leases = [...owners].filter(([, o]) => o === consumer(killed)).map(([s]) => s);
  const did = [`SIGKILL to pocket-relay-miner (PID ${killed}) in ${pod} (${why}; it held ${leases.length} supplier lease(s))`];
  const saw = await watchAll(ctx, killedAt, [
    [leaderRecovered(ctx.reader, ctx.clock, lock), ctx.bounds.leaderMs],
    [leasesLive(ctx.reader, leases, killedAt), ctx.bounds.leasesMs],
    [podBack(ctx, before), ctx.bounds.podMs],
    [heightMoving(ctx.height), ctx.bounds.blocksMs],
  ]);
  return { action, did, saw };
}

export async function killLeader(ctx: ChaosContext): Promise<ActionReport> {
  const holder = await ctx.reader.get(ctx.reader.keys.leaderLock);
  if (!holder) throw new Error("no miner holds the leader lock; nothing to kill (is a miner running?)");
  const pods = (await ctx.kube.pods("miner")).map((p) => p.name);
  const target = processOfInstance(holder, pods);
  if (!target) throw new Error(`the lock holder ${holder} is not a miner pod of this namespace (miners: ${pods.join(", ") || "none"})`);
  return killAndWatch(ctx, "kill-leader", target.pod, target.pid, `the leader ${holder}`);
}

export async function killMiner(ctx: ChaosContext, index?: number): Promise<ActionReport> {
  const pods = (await ctx.kube.pods("miner")).map((p) => p.name);
  if (pods.length === 0) throw new Error("no miner pods (miner.count is 0?)");
  const holder = await ctx.reader.get(ctx.reader.keys.leaderLock);
  const leaderPod = holder ? processOfInstance(holder, pods)?.pod : undefined;
  const pod = index === undefined ? (pods.find((p) => p !== leaderPod) ?? pods[0]) : `miner-${index}`;
  if (!pods.includes(pod)) throw new Error(`no pod ${pod}; miners: ${pods.join(", ")}`);
  return killAndWatch(ctx, "kill-miner", pod, undefined, pod === leaderPod ? "the leader" : "a standby");
}
