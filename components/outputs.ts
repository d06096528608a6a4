/**
 * Stack outputs, computed from the same forward plan `npm run forward` and the Tiltfile use, so
 * every URL printed is one that works on 127.0.0.1 once the forwards run.
 */
import type { LocalnetConfig } from "./config/schema";
import { forwardSpecs, type ForwardSpec } from "./forwards";

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
  redis?: string;
  redisCommander?: string;
}

const singles: Record<string, keyof LocalnetUrls> = {
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
  redis: "redis",
  redisCommander: "redisCommander",
};

const perReplica: Record<string, keyof LocalnetUrls> = {
  relayerRelay: "relayers",
  relayerHealth: "relayerHealth",
  relayerMetrics: "relayerMetrics",
  minerMetrics: "minerMetrics",
};

/** The `urls` output: keys of disabled parts are absent, per-replica ones are arrays in replica order. */
export function urlsOf(forwards: ForwardSpec[]): LocalnetUrls {
  const urls: Record<string, string | string[]> = {};
  for (const f of forwards) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(f.name);
    if (!m) continue;
    const [, base, replica] = m;
    if (replica === undefined && singles[base]) urls[singles[base]] = f.url;
    else if (replica !== undefined && perReplica[base]) {
      const key = perReplica[base];
      urls[key] = [...((urls[key] as string[] | undefined) ?? []), f.url];
    }
  }
  return urls as LocalnetUrls;
}

export function localnetOutputs(config: LocalnetConfig) {
  const forwards = forwardSpecs(config);
  return { forwards, urls: urlsOf(forwards) };
}
