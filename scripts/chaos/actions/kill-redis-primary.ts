/**
 * kill-redis-primary (cluster mode): stop the primary that serves the relay-miner's keys (all of
 * them hash to the slot of `{ha}`); a replica must take the slot over and the relay-miner carry on.
 */
import type { ChaosContext } from "../context";
import { heightMoving, leaderRecovered, lockNow, type Watch } from "../recovery";
import { parseClusterNodes, primaryOfSlot } from "../targets";
import { type ActionReport, podBack, watchAll } from "./common";

const cli = async (ctx: ChaosContext, pod: string, args: string[]) => (await ctx.kube.exec(pod, "redis", ["redis-cli", ...args])).stdout;

export async function killRedisPrimary(ctx: ChaosContext): Promise<ActionReport> {
  if (ctx.redisMode !== "cluster") throw new Error("kill-redis-primary needs redis.mode=cluster (a standalone Redis has no replica to fail over to)");
  const pods = await ctx.kube.pods("redis");
  const slot = Number((await cli(ctx, pods[0].name, ["CLUSTER", "KEYSLOT", "{ha}"])).trim());
  const primary = primaryOfSlot(parseClusterNodes(await cli(ctx, pods[0].name, ["CLUSTER", "NODES"])), slot);
  const victim = pods.find((p) => p.ip === primary?.ip);
  if (!primary || !victim) throw new Error(`no healthy primary serves slot ${slot} (the relay-miner's keys)`);
  const witness = pods.find((p) => p.name !== victim.name)!.name;
  const lock = await lockNow(ctx.reader, ctx.clock);
  const killedAt = ctx.clock.now();
  await ctx.kube.exec(victim.name, "redis", ["redis-cli", "SHUTDOWN", "NOSAVE"]);
  const failedOver: Watch<string> = {
    what: `a replica serves slot ${slot} (the relay-miner's keys)`,
    probe: async () => {
      const now = primaryOfSlot(parseClusterNodes(await cli(ctx, witness, ["CLUSTER", "NODES"])), slot);
      const ok = now && now.ip !== victim.ip && /cluster_state:ok/.test(await cli(ctx, witness, ["CLUSTER", "INFO"]));
      return ok ? `${pods.find((p) => p.ip === now.ip)?.name ?? now.ip} (cluster_state:ok)` : undefined;
    },
  };
  return {
    action: "kill-redis-primary",
    did: [`SHUTDOWN NOSAVE on ${victim.name}, the primary of slot ${slot}`],
    saw: await watchAll(ctx, killedAt, [
      [failedOver, ctx.bounds.redisFailoverMs],
      [leaderRecovered(ctx.reader, ctx.clock, lock), ctx.bounds.redisFailoverMs + ctx.bounds.leaderMs],
      [podBack(ctx, victim), ctx.bounds.podMs],
      [heightMoving(ctx.height), ctx.bounds.blocksMs],
    ]),
  };
}
