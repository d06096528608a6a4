/**
 * Live copies of one namespace's objects of a few kinds, kept current by `kubectl get --watch`
 * (one process per kind). kubectl is what reads the kubeconfig the way the provider does
 * (client certificates, tokens, exec plugins), so nothing here handles credentials.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { JsonStream } from "./json-stream";
import type { KubeObject } from "./rollout";

export type WatchedKind = "pods" | "statefulsets.apps" | "deployments.apps";

/** What the rollout waiter and the forward command read: the objects, and a signal when any changes. */
export interface ObjectSource {
  objects(kind: WatchedKind): ReadonlyMap<string, KubeObject>;
  /** Calls `listener` after each change (and on a fatal error); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Set once a watch cannot go on (kubectl missing, refused, …). */
  error(): Error | undefined;
  close(): void;
}

export interface KubectlTarget {
  namespace: string;
  kubeconfig?: string;
  context?: string;
  /** The kubectl program. @default $KUBECTL, else `kubectl` */
  kubectl?: string;
}

/** The kubectl arguments that select the cluster (as the provider does: explicit file and context, else kubectl's own defaults). */
export function kubectlArgs(t: KubectlTarget, rest: string[]): string[] {
  return [...(t.kubeconfig ? ["--kubeconfig", t.kubeconfig] : []), ...(t.context ? ["--context", t.context] : []), ...rest];
}

export function kubectlProgram(t: KubectlTarget): string {
  return t.kubectl ?? process.env.KUBECTL ?? "kubectl";
}

/** A watch restarted this many times in a row without delivering anything counts as failed. */
const maxQuietRestarts = 5;

export function watchNamespace(t: KubectlTarget, kinds: readonly WatchedKind[]): ObjectSource {
  const maps = new Map<WatchedKind, Map<string, KubeObject>>(kinds.map((k) => [k, new Map()]));
  const listeners = new Set<() => void>();
  const children = new Set<ChildProcess>();
  let failure: Error | undefined;
  let closed = false;
  const notify = () => listeners.forEach((l) => l());
  const fail = (e: Error) => {
    if (failure || closed) return;
    failure = e;
    notify();
  };

  const start = (kind: WatchedKind, quietRestarts: number) => {
    if (closed || failure) return;
    const program = kubectlProgram(t);
    const child = spawn(program, kubectlArgs(t, ["get", kind, "-n", t.namespace, "--watch", "--output-watch-events", "-o", "json"]), { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    const stream = new JsonStream();
    let delivered = false;
    let stderr = "";
    // A (re)started watch lists everything first: start from what it lists.
    const map = maps.get(kind)!;
    map.clear();
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      let docs: unknown[];
      try {
        docs = stream.push(chunk);
      } catch (e) {
        fail(new Error(`kubectl get ${kind} --watch printed something that is not JSON: ${(e as Error).message}`));
        return;
      }
      for (const doc of docs as { type?: string; object?: KubeObject }[]) {
        const obj = doc.object;
        if (!obj?.metadata?.name) continue;
        delivered = true;
        if (doc.type === "DELETED") map.delete(obj.metadata.name);
        else map.set(obj.metadata.name, obj);
      }
      if (docs.length) notify();
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      children.delete(child);
      fail(
        new Error(
          e.code === "ENOENT"
            ? `${program} is not on PATH: pulumi up follows the rollouts with kubectl; install it (or set KUBECTL to its path)`
            : `running ${program}: ${e.message}`,
        ),
      );
    });
    child.on("close", (code) => {
      children.delete(child);
      if (closed || failure) return;
      const quiet = delivered ? 0 : quietRestarts + 1;
      if (quiet > maxQuietRestarts) {
        fail(new Error(`kubectl get ${kind} -n ${t.namespace} --watch keeps exiting (exit ${code}): ${stderr.trim().split("\n").pop() ?? ""}`));
        return;
      }
      // The API server ends watches now and then; kubectl exits and lists again.
      setTimeout(() => start(kind, quiet), delivered ? 0 : 500);
    });
  };
  for (const k of kinds) start(k, 0);

  return {
    objects: (kind) => maps.get(kind) ?? new Map(),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    error: () => failure,
    close() {
      closed = true;
      listeners.clear();
      for (const c of children) c.kill("SIGTERM");
      children.clear();
    },
  };
}
