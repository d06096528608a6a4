/**
 * Waits for Deployment and StatefulSet rollouts the way `pulumi up` should: until the controller
 * has rolled every pod to the spec just applied and each is Ready, and no longer than it takes to
 * see that one never will be (an image that cannot be pulled, a crash loop, a pod nothing can
 * schedule): then every wait fails at once with what is wrong, instead of a provider await
 * timing out after ten minutes. One watch of the namespace (kube-watch.ts) serves every wait.
 */
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { kubectlArgs, kubectlProgram, type KubectlTarget, type ObjectSource, type WatchedKind } from "./kube-watch";
import { podProblem, rolloutState, selects, type KubeObject, type WorkloadKind } from "./rollout";

/** A rollout that will not finish; Pulumi prints its message without a stack trace. */
export class RolloutError extends pulumi.RunError {
  override name = "RolloutError";
  constructor(
    message: string,
    /** The workload it is about (`<kind> <name>`), when it is about one. */
    readonly workload?: string,
  ) {
    super(message);
  }
}

export interface Workload {
  kind: WorkloadKind;
  name: string;
  /** The pods' labels the workload selects by. */
  matchLabels: Record<string, string>;
  /** metadata.generation of the spec just applied (the rollout to wait for is that one or a later one). */
  generation: number;
}

export interface WaitOptions {
  /** Progress lines (what is still missing), at most one per change. */
  onProgress?: (line: string) => void;
}

export interface RolloutWaiterOptions {
  /** Opens the watch of the namespace (called at the first wait, closed when none is pending). */
  source: () => ObjectSource;
  /** Image reference → the config key it came from, for messages. */
  imageKeys: ReadonlyMap<string, string>;
  /** Gives up on a rollout after this long. @default 10 minutes (the provider's own await timeout) */
  timeoutMs?: number;
  /** How often time-based rules (scheduling grace, timeout) are looked at without a change. @default 1000 */
  tickMs?: number;
  now?: () => number;
  /** The last log lines of a crash-looping container, for its message. */
  logsOf?: (pod: string, container: string) => string;
}

interface Pending {
  w: Workload;
  deadline: number;
  lastProgress: string;
  opts: WaitOptions;
  resolve: () => void;
  reject: (e: Error) => void;
}

const kindOf: Record<WorkloadKind, WatchedKind> = { Deployment: "deployments.apps", StatefulSet: "statefulsets.apps" };

export class RolloutWaiter {
  private source: ObjectSource | undefined;
  private unsubscribe: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Pending>();
  /** The first rollout that cannot finish: every wait after it fails with it. */
  private failed: RolloutError | undefined;

  constructor(private readonly o: RolloutWaiterOptions) {}

  wait(w: Workload, opts: WaitOptions = {}): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const now = this.now();
    return new Promise<void>((resolve, reject) => {
      this.pending.add({ w, deadline: now + (this.o.timeoutMs ?? 600_000), lastProgress: "", opts, resolve, reject });
      this.open();
      this.check();
    });
  }

  /** Stops watching; pending waits fail. */
  close(): void {
    this.abort(new RolloutError("stopped watching the rollouts"));
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private open(): void {
    if (this.source) return;
    this.source = this.o.source();
    this.unsubscribe = this.source.onChange(() => this.check());
    // The waits themselves (and the watch's processes) keep the program alive, not the clock.
    this.ticker = setInterval(() => this.check(), this.o.tickMs ?? 1000).unref();
  }

  private shut(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.unsubscribe?.();
    this.source?.close();
    this.ticker = this.unsubscribe = this.source = undefined;
  }

  private abort(e: RolloutError): void {
    this.failed ??= e;
    for (const p of this.pending) p.reject(e);
    this.pending.clear();
    this.shut();
  }

  private check(): void {
    const src = this.source;
    if (!src) return;
    const err = src.error();
    if (err) return this.abort(new RolloutError(`watching the rollouts: ${err.message}`));
    const now = this.now();
    const pods = [...src.objects("pods").values()];
    for (const p of [...this.pending]) {
      const { w } = p;
      const obj = src.objects(kindOf[w.kind]).get(w.name);
      const current = obj && (obj.metadata.generation ?? 0) >= w.generation ? obj : undefined;
      const state = rolloutState(w.kind, current);
      if (state.done) {
        this.pending.delete(p);
        p.resolve();
        continue;
      }
      const stuck = this.stuckPod(w, pods, now);
      const id = `${w.kind} ${w.name}`;
      if (stuck) return this.abort(new RolloutError(`${id}: ${stuck}`, id));
      if (now > p.deadline) {
        return this.abort(new RolloutError(`${id}: not rolled out after ${Math.round((this.o.timeoutMs ?? 600_000) / 1000)} s (${state.progress})`, id));
      }
      if (state.progress !== p.lastProgress) {
        p.lastProgress = state.progress;
        p.opts.onProgress?.(state.progress);
      }
    }
    if (this.pending.size === 0) this.shut();
  }

  private stuckPod(w: Workload, pods: KubeObject[], now: number): string | undefined {
    for (const pod of pods) {
      if (!selects(w.matchLabels, pod)) continue;
      const problem = podProblem(pod, this.o.imageKeys, now);
      if (!problem) continue;
      const logs = problem.container && /keeps exiting/.test(problem.message) ? this.o.logsOf?.(problem.pod, problem.container) : undefined;
      return `pod ${problem.pod}: ${problem.message}${logs ? `; its last log lines:\n${logs}` : ""}`;
    }
    return undefined;
  }
}

/** The last lines a container printed before its last exit, through kubectl (best effort). */
export function previousLogs(t: KubectlTarget, pod: string, container: string, lines = 10): string {
  const r = spawnSync(kubectlProgram(t), kubectlArgs(t, ["logs", "-n", t.namespace, pod, "-c", container, "--previous", `--tail=${lines}`]), { encoding: "utf8", timeout: 10_000 });
  return (r.status === 0 ? r.stdout : "").trim();
}
