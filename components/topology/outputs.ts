/**
 * Stack outputs, computed from the same forward plan `npm run forward` and the Tiltfile use, so
 * every URL printed is one that works on 127.0.0.1 once the forwards run.
 */
import { forwardSpecs } from "./forwards";
import { hostUrl, type HostForward, type HostPortName } from "./ports";

export interface LocalnetUrls {
  relayers?: string[];
  relayerHealth?: string[];
  relayerMetrics?: string[];
  minerMetrics?: string[];
  validatorRpc?: string;
  validatorGrpc?: string;
  validatorRest?: string;
  validatorMetrics?: string;
  backendHttp?: string;
  backendAdmin?: string;
  backendGrpc?: string;
  backendMetrics?: string;
  prometheus?: string;
  grafana?: string;
  chainExporter?: string;
  loki?: string;
  redis?: string;
  redisCommander?: string;
}

/** Output key of each host port; per-replica ports (relayers, miners) become arrays. */
const urlKeyOf: Partial<Record<HostPortName, keyof LocalnetUrls>> = {
  relayerRelay: "relayers",
  relayerHealth: "relayerHealth",
  relayerMetrics: "relayerMetrics",
  minerMetrics: "minerMetrics",
  validatorRpc: "validatorRpc",
  validatorGrpc: "validatorGrpc",
  validatorRest: "validatorRest",
  validatorMetrics: "validatorMetrics",
  backendHttp: "backendHttp",
  backendAdmin: "backendAdmin",
  backendGrpc: "backendGrpc",
  backendMetrics: "backendMetrics",
  prometheus: "prometheus",
  grafana: "grafana",
  chainExporter: "chainExporter",
  loki: "loki",
  redis: "redis",
  redisCommander: "redisCommander",
};

/** The `urls` output: keys of disabled parts are absent, per-replica ones are arrays in replica order. */
export function urlsOf(plan: HostForward[]): LocalnetUrls {
  const urls: Record<string, string | string[]> = {};
  for (const f of plan) {
    const key = urlKeyOf[f.portName];
    if (!key) continue; // pprof ports: forwarded, but not a URL worth an output
    if (f.replica === undefined) urls[key] = hostUrl(f);
    else urls[key] = [...((urls[key] as string[] | undefined) ?? []), hostUrl(f)];
  }
  return urls;
}

/** The `forwards` and `urls` outputs of a forward plan. */
export function localnetOutputs(namespace: string, plan: HostForward[]) {
  return { forwards: forwardSpecs(namespace, plan), urls: urlsOf(plan) };
}
