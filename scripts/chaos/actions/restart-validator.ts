/** restart-validator: delete the validator pod; its Deployment makes a new one, which must make blocks. */
import type { ChaosContext } from "../context";
import { heightMoving, type Watch } from "../recovery";
import type { PodState } from "../targets";
import { type ActionReport, watchAll } from "./common";

export async function restartValidator(ctx: ChaosContext): Promise<ActionReport> {
  const [pod] = await ctx.kube.pods("validator");
  if (!pod) throw new Error("no validator pod");
  const deletedAt = ctx.clock.now();
  await ctx.kube.deletePod(pod.name);
  const replaced: Watch<PodState> = {
    what: "a new validator pod is Ready",
    probe: async () => (await ctx.kube.pods("validator")).find((p) => p.uid !== pod.uid && p.ready),
    describe: (p) => p.name,
  };
  return {
    action: "restart-validator",
    did: [`deleted pod ${pod.name} (without validator.keepState the new one starts a fresh chain)`],
    saw: await watchAll(ctx, deletedAt, [
      [replaced, ctx.bounds.podMs + 60_000],
      [heightMoving(ctx.height), ctx.bounds.podMs],
    ]),
  };
}
