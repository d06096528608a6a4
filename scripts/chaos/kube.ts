/**
 * The Kubernetes calls chaos makes, through @kubernetes/client-node: list and read pods, run a
 * command in a container (exec), delete a pod, read a ConfigMap. The kubeconfig and context are
 * the user's (or the flags'), like kubectl's.
 */
import { Writable } from "node:stream";
import { CoreV1Api, Exec, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { PodState } from "./targets";

export class KubeError extends Error {
  override name = "KubeError";
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** "Success" or "Failure" (with the reason), as the API server reports the command's end. */
  status: string;
}

const podState = (p: V1Pod): PodState => ({
  name: p.metadata?.name ?? "",
  uid: p.metadata?.uid ?? "",
  ready: (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") && !p.metadata?.deletionTimestamp,
  restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
  ip: p.status?.podIP,
});

const sink = () => {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
};

export class Kube {
  private readonly core: CoreV1Api;
  private readonly execer: Exec;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly namespace: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.execer = new Exec(kubeConfig);
  }

  static load(o: { namespace: string; kubeconfig?: string; context?: string }): Kube {
    const kc = new KubeConfig();
    try {
      if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
      else kc.loadFromDefault();
    } catch (e) {
      throw new KubeError(`cannot read the kubeconfig${o.kubeconfig ? ` ${o.kubeconfig}` : ""}: ${(e as Error).message}`);
    }
    if (o.context) {
      if (!kc.getContexts().some((c) => c.name === o.context)) {
        throw new KubeError(
          `no context "${o.context}" in the kubeconfig; contexts: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(", ") || "none"
          }`,
        );
      }
      kc.setCurrentContext(o.context);
    }
    return new Kube(kc, o.namespace);
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const code = (e as { code?: number }).code;
      throw new KubeError(`${what} in namespace ${this.namespace}: ${code ? `HTTP ${code}` : (e as Error).message}`);
    }
  }

  /** Pods of one part (label app.kubernetes.io/name), by name. */
  async pods(part: string): Promise<PodState[]> {
    const list = await this.call(`listing ${part} pods`, () => this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `app.kubernetes.io/name=${part}` }));
    return list.items.map(podState).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  async pod(name: string): Promise<PodState | undefined> {
    try {
      return podState(await this.core.readNamespacedPod({ name, namespace: this.namespace }));
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw new KubeError(`reading pod ${name} in namespace ${this.namespace}: ${(e as Error).message}`);
    }
  }

  async exec(pod: string, container: string, command: string[]): Promise<ExecResult> {
    const out = sink();
    const err = sink();
    return this.call(
      `exec in ${pod}/${container}`,
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          this.execer
            .exec(this.namespace, pod, container, command, out.stream, err.stream, null, false, (s) => {
              resolve({ stdout: out.text(), stderr: err.text(), status: s.status === "Success" ? "Success" : `Failure: ${s.message ?? s.reason ?? "?"}` });
            })
            .then((ws: { on(event: "close", listener: () => void): unknown }) => {
              // A connection that ends without a status (e.g. the container went away) still ends the call.
              ws.on("close", () => resolve({ stdout: out.text(), stderr: err.text(), status: "closed" }));
            }, reject);
        }),
    );
  }

  async deletePod(name: string): Promise<void> {
    await this.call(`deleting pod ${name}`, () => this.core.deleteNamespacedPod({ name, namespace: this.namespace }));
  }

  async configMapValue(name: string, key: string): Promise<string | undefined> {
    const cm = await this.call(`reading ConfigMap ${name}`, () => this.core.readNamespacedConfigMap({ name, namespace: this.namespace }));
    return cm.data?.[key];
  }
}
