/** The host forwards of a configured localnet: the port registry applied to the stack config. */
import type { LocalnetConfig } from "../config/schema";
import { serviceNames } from "./names";
import { hostUrl, planForwards, type HostForward } from "./ports";

export function forwardsOf(config: LocalnetConfig): HostForward[] {
  return planForwards({
    hostPorts: config.ports,
    relayerCount: config.relayer.count,
    minerCount: config.miner.count,
    redisEnabled: config.redis.enabled,
    redisCommanderEnabled: config.redis.commander,
    validatorEnabled: true,
    backendEnabled: config.backend.enabled,
    observabilityEnabled: config.observability.enabled,
    names: serviceNames,
  });
}

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

/** The serializable form of a forward plan (see forwardsOf). */
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
