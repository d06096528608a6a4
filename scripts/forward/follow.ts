/**
 * Which pod a forward should go to right now. kubectl port-forward picks one pod when it starts
 * and stays on it: after a rollout it forwards to a pod that is gone until a connection fails. So
 * `npm run forward` picks the pod itself, from a watch of the namespace, and moves the forward
 * the moment its pod is replaced or stops being Ready. Pure: the supervisor feeds it the watch.
 */
import type { KubeObject } from "../../components/k8s/rollout";
import type { ForwardSpec } from "../../components/topology/forwards";

export interface ServiceView {
  selector: Record<string, string>;
  ports: { port: number; targetPort?: number | string }[];
}

export interface Target {
  pod: string;
  uid: string;
  port: number;
}

function ready(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The container port a Service port sends to on `pod` (a named targetPort is looked up in the pod). */
function podPort(service: ServiceView, servicePort: number, pod: KubeObject): number | undefined {
  const p = service.ports.find((x) => x.port === servicePort);
  if (!p) return undefined;
  if (p.targetPort === undefined) return p.port;
  if (typeof p.targetPort === "number") return p.targetPort;
  for (const c of pod.spec?.containers ?? []) {
    const found = (c.ports ?? []).find((x) => x.name === p.targetPort);
    if (found) return found.containerPort;
  }
  return /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : undefined;
}

/**
 * The pod `spec` should forward to: for `pod/<name>`, that pod while it is Ready; for
 * `svc/<name>`, a Ready pod the Service selects (the current one while it stays Ready, so a
 * healthy forward is never moved). Undefined: nothing to forward to yet.
 */
export function pickTarget(spec: ForwardSpec, pods: Iterable<KubeObject>, service: ServiceView | undefined, current?: Target): Target | undefined {
  const [kind, name] = spec.resource.split("/");
  const all = [...pods];
  if (kind === "pod") {
    const pod = all.find((p) => p.metadata.name === name);
    return pod && ready(pod) ? { pod: name, uid: pod.metadata.uid ?? "", port: spec.targetPort } : undefined;
  }
  if (!service) return undefined;
  const candidates = all
    .filter((p) => ready(p) && Object.entries(service.selector).every(([k, v]) => p.metadata.labels?.[k] === v))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const keep = current && candidates.find((p) => p.metadata.name === current.pod && (p.metadata.uid ?? "") === current.uid);
  for (const pod of keep ? [keep, ...candidates] : candidates) {
    const port = podPort(service, spec.targetPort, pod);
    if (port !== undefined) return { pod: pod.metadata.name, uid: pod.metadata.uid ?? "", port };
  }
  return undefined;
}

export function sameTarget(a: Target | undefined, b: Target | undefined): boolean {
  return a?.pod === b?.pod && a?.uid === b?.uid && a?.port === b?.port;
}

/** The Service's selector and ports from `kubectl get svc -o json`. */
export function serviceView(obj: KubeObject): ServiceView | undefined {
  const selector = obj.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  return { selector, ports: obj.spec?.ports ?? [] };
}
