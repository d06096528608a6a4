/** kill-relayer: SIGKILL a relayer's process; the pod must be Ready (serving) again. */
import type { ChaosContext } from "../context";
import { type ActionReport, killRelayMiner, podBack, watchAll } from "./common";

export async function killRelayer(ctx: ChaosContext, index = 0): Promise<ActionReport> {
  const pod = `relayer-${index}`;
  const before = await ctx.kube.pod(pod);
  if (!before) throw new Error(`no pod ${pod}; relayers: ${(await ctx.kube.pods("relayer")).map((p) => p.name).join(", ") || "none"}`);
  const killedAt = ctx.clock.now();
  const pid = await killRelayMiner(ctx, pod, "relayer");
  return {
    action: "kill-relayer",
    did: [`SIGKILL to pocket-relay-miner (PID ${pid}) in ${pod}`],
    saw: await watchAll(ctx, killedAt, [[podBack(ctx, before), ctx.bounds.podMs]]),
  };
}
