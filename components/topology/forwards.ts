/** The forward plan in the serializable form the stack output `forwards` lists. */
import { hostUrl, type HostForward } from "./ports";

/** One port-forward as the stack output `forwards` lists it, for `npm run forward` and the Tiltfile. */
export interface ForwardSpec {
  namespace: string;
  /** kubectl resource: `svc/<name>` or `pod/<name>`. */
  resource: string;
  hostPort: number;
  targetPort: number;
  /** What a developer dials on the host (bound to 127.0.0.1). */
  url: string;
  /** Port registry name, with the replica index for per-pod forwards (e.g. "relayerRelay[1]"). */
  name: string;
}

/** The serializable form of a forward plan. */
export function forwardSpecs(namespace: string, plan: HostForward[]): ForwardSpec[] {
  return plan.map((f) => ({
    namespace,
    resource: `${f.target.kind === "service" ? "svc" : "pod"}/${f.target.name}`,
    hostPort: f.hostPort,
    targetPort: f.target.port,
    url: hostUrl(f),
    name: f.replica === undefined ? f.portName : `${f.portName}[${f.replica}]`,
  }));
}
