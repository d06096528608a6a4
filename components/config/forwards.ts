/** The host forwards of a configured localnet: the port registry applied to the stack config. */
import type { LocalnetConfig } from "./schema";
import { planForwards, type HostForward } from "../topology/ports";

export function forwardsOf(config: LocalnetConfig): HostForward[] {
  return planForwards({
    hostPorts: config.ports,
    relayerCount: config.relayer.count,
    minerCount: config.miner.count,
    redisEnabled: config.redis.enabled,
    redisCommanderEnabled: config.redis.commander,
    backendEnabled: config.backend.enabled,
    observabilityEnabled: config.observability.enabled,
    logsEnabled: config.observability.enabled && config.observability.logs.enabled,
    grafanaEnabled: config.observability.grafana,
  });
}
