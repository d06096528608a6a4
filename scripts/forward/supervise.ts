/**
 * Keeps one kubectl port-forward per planned forward running. kubectl exits when its pod goes
 * away (a rollout, a restart), so a dead forward is restarted with a growing delay; a forward
 * that stayed up for a while starts again from the shortest delay. Stopping (SIGINT) kills every
 * child and resolves once they are gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { restartDelayMs, type PlannedForward } from "./plan";

export interface SuperviseOptions {
  /** Aborting stops every forward. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** A forward that ran this long counts as healthy again (its backoff resets). */
  healthyAfterMs?: number;
  delayMs?: (attempt: number) => number;
}

export interface ForwardStats {
  name: string;
  starts: number;
}

export async function supervise(plan: readonly PlannedForward[], opts: SuperviseOptions): Promise<ForwardStats[]> {
  const healthyAfter = opts.healthyAfterMs ?? 10_000;
  const delay = opts.delayMs ?? restartDelayMs;
  const stats = plan.map((p) => ({ name: p.spec.name, starts: 0 }));

  const runOne = (p: PlannedForward, stat: ForwardStats) =>
    new Promise<void>((done) => {
      let child: ChildProcess | undefined;
      let timer: NodeJS.Timeout | undefined;
      let failures = 0;
      const prefix = `[${p.spec.name}]`;
      const stop = () => {
        if (timer) clearTimeout(timer);
        if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        else done();
      };
      opts.signal.addEventListener("abort", stop, { once: true });

      const start = () => {
        if (opts.signal.aborted) return done();
        stat.starts++;
        const startedAt = Date.now();
        const c = spawn(p.command, p.args, { stdio: ["ignore", "pipe", "pipe"] });
        child = c;
        const relay = (chunk: Buffer) =>
          chunk
            .toString()
            .split("\n")
            .filter(Boolean)
            .forEach((l) => opts.log(`${prefix} ${l}`));
        c.stdout?.on("data", relay);
        c.stderr?.on("data", relay);
        c.on("error", (e) => opts.log(`${prefix} cannot start ${p.command}: ${e.message}`));
        c.on("close", (code, sig) => {
          if (opts.signal.aborted) return done();
          failures = Date.now() - startedAt >= healthyAfter ? 1 : failures + 1;
          const wait = delay(failures);
          opts.log(`${prefix} ${p.spec.resource} ${p.spec.hostPort}:${p.spec.targetPort} stopped (${sig ?? `exit ${code}`}); restarting in ${(wait / 1000).toFixed(1)}s`);
          timer = setTimeout(start, wait);
        });
      };
      start();
    });

  await Promise.all(plan.map((p, i) => runOne(p, stats[i])));
  return stats;
}
