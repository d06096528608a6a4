/**
 * pause-redis: every Redis node stops answering (CLIENT PAUSE ALL) for a while; afterwards a miner
 * must hold the lock again with a fresh TTL, the leases must be in live hands, blocks must flow.
 */
import type { ChaosContext } from "../context";
import { heightMoving, leaderRecovered, leaseOwners, leasesLive, lockNow } from "../recovery";
import { type ActionReport, partReady, watchAll } from "./common";

export async function pauseRedis(ctx: ChaosContext, seconds: number): Promise<ActionReport> {
  const suppliers = [...(await leaseOwners(ctx.reader)).keys()];
  const did: string[] = [];
  for (const pod of ctx.redisPods) {
    const r = await ctx.kube.exec(pod, "redis", ["redis-cli", "CLIENT", "PAUSE", String(seconds * 1000), "ALL"]);
    if (!/OK/.test(r.stdout)) throw new Error(`CLIENT PAUSE in ${pod} failed: ${r.status} ${r.stderr.trim() || r.stdout.trim()}`);
    did.push(`CLIENT PAUSE ${seconds * 1000} ALL on ${pod}`);
  }
  await ctx.clock.sleep(seconds * 1000);
  const resumedAt = ctx.clock.now();
  did.push(`Redis answers again after ${seconds} s`);
  const lock = await lockNow(ctx.reader, ctx.clock);
  return {
    action: "pause-redis",
    did,
    saw: await watchAll(ctx, resumedAt, [
      [leaderRecovered(ctx.reader, ctx.clock, lock), ctx.bounds.leaderMs],
      [leasesLive(ctx.reader, suppliers, resumedAt), ctx.bounds.leasesMs],
      [partReady(ctx, "miner"), ctx.bounds.podMs],
      [partReady(ctx, "relayer"), ctx.bounds.podMs],
      [heightMoving(ctx.height), ctx.bounds.blocksMs],
    ]),
  };
}
