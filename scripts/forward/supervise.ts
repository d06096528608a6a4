/**
 * Keeps one kubectl port-forward per planned forward running. kubectl exits when its pod goes
 * away (a rollout, a restart), so a dead forward is restarted with a growing delay; a forward
 * that stayed up for a while starts again from the shortest delay. Stopping (SIGINT) kills every
 * child and resolves once they are gone.
 *
 * With `follow` (a watch of the pods), each forward goes to the pod picked by follow.ts and
 * moves at once when that pod is replaced or stops being Ready, instead of waiting for a
 * connection through the old one to fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { KubeObject } from "../../components/k8s/rollout";
import { restartDelayMs, type PlannedForward } from "./plan";
import { pickTarget, sameTarget, type ServiceView, type Target } from "./follow";

export interface FollowOptions {
  /** The live pods of a namespace. */
  pods(namespace: string): Iterable<KubeObject>;
  /** Calls `listener` after every change of the pods; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** The Service behind a `svc/<name>` forward (undefined while it cannot be read). */
  service(namespace: string, name: string): ServiceView | undefined;
  /** Set when the watch cannot run: forwards then go where kubectl picks, as without `follow`. */
  failed(): string | undefined;
}

export interface SuperviseOptions {
  /** Aborting stops every forward. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** A forward that ran this long counts as healthy again (its backoff resets). */
  healthyAfterMs?: number;
  delayMs?: (attempt: number) => number;
  follow?: FollowOptions;
}

export interface ForwardStats {
  name: string;
  starts: number;
  /** Times the forward was moved to another pod because its pod was replaced or stopped being Ready. */
  moves: number;
}

export async function supervise(plan: readonly PlannedForward[], opts: SuperviseOptions): Promise<ForwardStats[]> {
  const healthyAfter = opts.healthyAfterMs ?? 10_000;
  const delay = opts.delayMs ?? restartDelayMs;
  const stats = plan.map((p) => ({ name: p.spec.name, starts: 0, moves: 0 }));

  const runOne = (p: PlannedForward, stat: ForwardStats) =>
    new Promise<void>((done) => {
      let child: ChildProcess | undefined;
      let timer: NodeJS.Timeout | undefined;
      let failures = 0;
      let target: Target | undefined;
      /** The child was stopped to move the forward: start again at once. */
      let moving = false;
      let waitingSaid = false;
      const prefix = `[${p.spec.name}]`;
      const [kind, name] = p.spec.resource.split("/");
      const following = () => opts.follow !== undefined && opts.follow.failed() === undefined;
      const follow = opts.follow;
      const desired = () => follow && pickTarget(p.spec, follow.pods(p.spec.namespace), kind === "svc" ? follow.service(p.spec.namespace, name) : undefined, target);
      const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
      let unsubscribe: (() => void) | undefined;
      const stop = () => {
        if (timer) clearTimeout(timer);
        unsubscribe?.();
        if (running()) child!.kill("SIGTERM");
        else done();
      };
      opts.signal.addEventListener("abort", stop, { once: true });

      const start = () => {
        timer = undefined;
        if (opts.signal.aborted) return done();
        let args = p.args;
        if (follow && following()) {
          const t = desired();
          target = t;
          if (!t) {
            if (!waitingSaid) opts.log(`${prefix} waiting for a Ready pod of ${p.spec.resource}`);
            waitingSaid = true;
            return; // the watch starts it once there is one
          }
          waitingSaid = false;
          args = p.argsFor(`pod/${t.pod}`, t.port);
        }
        stat.starts++;
        const startedAt = Date.now();
        const c = spawn(p.command, args, { stdio: ["ignore", "pipe", "pipe"] });
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
          // A child that exited before the watch moved the forward on has been replaced already.
          if (c !== child) return;
          if (opts.signal.aborted) return done();
          if (moving) {
            moving = false;
            return start();
          }
          failures = Date.now() - startedAt >= healthyAfter ? 1 : failures + 1;
          const wait = delay(failures);
          opts.log(`${prefix} ${p.spec.resource} ${p.spec.hostPort}:${p.spec.targetPort} stopped (${sig ?? `exit ${code}`}); restarting in ${(wait / 1000).toFixed(1)}s`);
          timer = setTimeout(start, wait);
        });
      };

      if (follow) {
        unsubscribe = follow.onChange(() => {
          if (opts.signal.aborted) return;
          if (!following()) {
            // The watch just failed: a forward that was waiting for a pod goes where kubectl picks.
            if (!running() && !timer) start();
            return;
          }
          const next = desired();
          if (sameTarget(next, target)) return;
          const was = target ? `pod/${target.pod}` : "nothing";
          if (next) {
            stat.moves++;
            opts.log(`${prefix} ${was} → pod/${next.pod}: forwarding there now`);
          } else if (target) opts.log(`${prefix} pod/${target.pod} is gone or not Ready: waiting for a Ready pod of ${p.spec.resource}`);
          target = next;
          if (running()) {
            moving = true;
            child!.kill("SIGTERM");
          } else if (next) {
            if (timer) clearTimeout(timer);
            failures = 0;
            start();
          }
        });
      }
      start();
    });

  await Promise.all(plan.map((p, i) => runOne(p, stats[i])));
  return stats;
}
