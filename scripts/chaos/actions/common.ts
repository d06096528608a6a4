/** What the chaos actions share: the report shape, killing a process in a pod, pod watches. */
import type { ChaosContext } from "../context";
import { awaitRecovery, type Observed, type Watch } from "../recovery";
import { type PodState, recovered } from "../targets";

export interface ActionReport {
  action: string;
  /** What was done, in order. */
  did: string[];
  /** The recovery that was (or was not) seen, each with its time since the fault. */
  saw: Observed[];
}

export const ok = (r: ActionReport) => r.saw.every((s) => s.ok);

/** The relay-miner's process name in its container (tini is PID 1 in its image). */
const processName = "pocket-relay-miner";

/**
 * SIGKILL of the relay-miner in a pod's container: by PID when known (from a leader id), else the
 * process by name. Returns the PID. SIGKILL never reaches a container's PID 1 from inside; the
 * relay-miner's image runs it under tini, so it is a child.
 */
export async function killRelayMiner(ctx: ChaosContext, pod: string, container: string, pid?: number): Promise<number> {
  const script = pid === undefined ? `pid=$(pidof ${processName}) && kill -KILL $pid && echo $pid` : `kill -KILL ${pid} && echo ${pid}`;
  const r = await ctx.kube.exec(pod, container, ["sh", "-c", script]);
  const killed = Number(r.stdout.trim().split(/\s+/)[0]);
  if (!Number.isInteger(killed) || killed <= 0) throw new Error(`could not kill ${processName} in ${pod}/${container}: ${r.status} ${r.stderr.trim() || r.stdout.trim()}`);
  if (killed === 1) throw new Error(`${processName} is PID 1 in ${pod}/${container}: SIGKILL from inside the container is ignored; use an image that runs it under an init (tini)`);
  return killed;
}

/** The pod came back: restarted (or replaced) and Ready. */
export const podBack = (ctx: ChaosContext, before: PodState): Watch<PodState> => ({
  what: `pod ${before.name} is Ready again`,
  probe: async () => {
    const now = await ctx.kube.pod(before.name);
    return now && recovered(before, now) ? now : undefined;
  },
  describe: (p) => `${p.name}: ${p.uid === before.uid ? `restarted (restarts ${before.restarts} → ${p.restarts})` : "replaced"}, Ready`,
});

/** Every pod of a part is Ready (after a Redis pause nothing restarts; it just has to serve again). */
export const partReady = (ctx: ChaosContext, part: string): Watch<PodState[]> => ({
  what: `every ${part} pod is Ready`,
  probe: async () => {
    const pods = await ctx.kube.pods(part);
    return pods.length > 0 && pods.every((p) => p.ready) ? pods : undefined;
  },
  describe: (pods) => pods.map((p) => p.name).join(", "),
});

/** Runs the watches one after another (each timed from the fault), so the report reads in order. */
export async function watchAll(ctx: ChaosContext, since: number, watches: [Watch<unknown>, number][]): Promise<Observed[]> {
  const out: Observed[] = [];
  for (const [w, boundMs] of watches) {
    ctx.progress(`waiting: ${w.what} (up to ${Math.round(boundMs / 1000)} s)`);
    const { what, ok: seen, afterMs, detail } = await awaitRecovery(w, { clock: ctx.clock, boundMs, since, intervalMs: 250 });
    out.push({ what, ok: seen, afterMs, detail });
  }
  return out;
}
