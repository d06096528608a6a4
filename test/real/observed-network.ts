/**
 * The relay path with everything that watches it, on loopback: the relay network (real pocketd,
 * relayers, miners, Redis, our backend; relay-network.ts), the chain exporter, redis_exporter and
 * a real Prometheus whose config is the one the localnet deploys (components/observability),
 * with each in-cluster address swapped for the loopback address of the same program. Same jobs,
 * same labels, same relabelling, so the dashboards' queries mean here what they mean in a cluster.
 */
import { join } from "node:path";
import { stringify } from "yaml";
import { podDns, serviceDns, serviceNames } from "../../components/topology/names";
import { containerPorts } from "../../components/topology/ports";
import { parseStackConfig } from "../../components/config/load";
import { prometheusConfig } from "../../components/observability/prometheus";
import { redisKeyPrefixFor, relayMinerRedisKeys } from "../../components/topology/names";
import { redisExporterBinary } from "../../tools/images/sources";
import { startPrometheus, type RunningPrometheus } from "../support/prometheus";
import { startRelayNetwork, type RelayNetwork, type RelayNetworkOptions } from "./relay-network";
import { freePorts, httpGet, repoRoot, waitFor, type Proc, type Scratch } from "./support";

export const namespace = "relayminer-localnet";

export interface ObservedNetwork {
  net: RelayNetwork;
  prometheus: RunningPrometheus;
  chainExporter: { proc: Proc; port: number };
  redisExporter: { proc: Proc; port: number };
  scrapeIntervalSeconds: number;
  stop(): Promise<void>;
}

/** Every in-cluster `host:port` the generated config names, mapped to where that program listens here. */
function loopbackAddresses(o: { net: RelayNetwork; prometheusPort: number; chainExporterPort: number; redisExporterPort: number }): Map<string, string> {
  const { net } = o;
  const at = (port: number) => `127.0.0.1:${port}`;
  const m = new Map<string, string>([
    [`localhost:${containerPorts.prometheus.http}`, at(o.prometheusPort)],
    [`${serviceDns(serviceNames.validator, namespace)}:${containerPorts.validator.metrics}`, at(net.chain.ports.metrics)],
    [`${serviceDns(serviceNames.chainExporter, namespace)}:${containerPorts.chainExporter.metrics}`, at(o.chainExporterPort)],
    [`${serviceDns(serviceNames.redisExporter, namespace)}:${containerPorts.redisExporter.metrics}`, at(o.redisExporterPort)],
    [`${serviceDns(serviceNames.backend, namespace)}:${containerPorts.backend.metrics}`, at(net.backendMetricsPort)],
    [`${serviceDns(serviceNames.redis, namespace)}:${containerPorts.redis.redis}`, at(net.redis.nodes[0].port)],
  ]);
  for (const r of net.relayers) m.set(`${podDns("relayer", r.index, namespace)}:${containerPorts.relayer.metrics}`, at(r.metricsPort));
  for (const x of net.miners) m.set(`${podDns("miner", x.index, namespace)}:${containerPorts.miner.metrics}`, at(x.metricsPort));
  return m;
}

/** The deployed scrape config with every address replaced; fails on an address it cannot place. */
export function localScrapeConfig(relayers: number, miners: number, scrapeIntervalSeconds: number, addresses: Map<string, string>): string {
  const config = prometheusConfig({
    namespace,
    scrapeIntervalSeconds,
    relayers,
    miners,
    redisNodes: [serviceDns(serviceNames.redis, namespace)],
    backendReplicas: 1,
    chainExporter: true,
  });
  const swap = (v: unknown): unknown => {
    if (typeof v === "string") {
      for (const [from, to] of addresses) if (v.includes(from)) return v.replace(from, to);
      if (/\.svc\.cluster\.local|^localhost:/.test(v)) throw new Error(`no loopback address for ${v}`);
      return v;
    }
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return stringify(swap(config), { lineWidth: 0 });
}

export async function startObservedNetwork(scratch: Scratch, opts: RelayNetworkOptions & { scrapeIntervalSeconds?: number } = {}): Promise<ObservedNetwork> {
  const scrapeIntervalSeconds = opts.scrapeIntervalSeconds ?? 2;
  const net = await startRelayNetwork(scratch, opts);
  // The memory limit and policy the Redis part renders (the memory panels read them).
  const { maxMemoryMb, evictionPolicy } = parseStackConfig({}, { projectDir: repoRoot }).redis;
  await net.redis.client.config("SET", "maxmemory", `${maxMemoryMb}mb`);
  await net.redis.client.config("SET", "maxmemory-policy", evictionPolicy);
  const [chainExporterPort, redisExporterPort, prometheusPort] = (await freePorts(3)) as [number, number, number];

  const chainProc = scratch.start(
    "chain-exporter",
    process.execPath,
    [
      "--import",
      "tsx",
      "services/chain-exporter/src/main.ts",
      ...["--rpc", net.chain.rpcUrl, "--rest", net.chain.restUrl, "--host", "127.0.0.1", "--port", String(chainExporterPort)],
      ...["--accounts", join(net.chain.genesis.genesisDir, "keys.json"), "--interval", String(net.blockTimeSeconds)],
    ],
    { cwd: repoRoot, logFile: join(net.dir, "chain-exporter.log") },
  );
  // As the Redis part runs it: the relay streams checked, addressed per node by the scrape.
  const streams = relayMinerRedisKeys(redisKeyPrefixFor(net.redis.mode)).relayStreamPattern;
  const redisProc = scratch.start(
    "redis-exporter",
    redisExporterBinary(),
    ["-web.listen-address", `127.0.0.1:${redisExporterPort}`, "-redis.addr", net.redis.url, "-check-streams", streams],
    { logFile: join(net.dir, "redis-exporter.log") },
  );
  const config = localScrapeConfig(net.relayers.length, net.miners.length, scrapeIntervalSeconds, loopbackAddresses({ net, prometheusPort, chainExporterPort, redisExporterPort }));
  const prometheus = await startPrometheus(config, { port: prometheusPort });
  await waitFor("chain exporter /ready", async () => ((await httpGet(`http://127.0.0.1:${chainExporterPort}/ready`))?.status === 200 ? true : undefined), 60_000, 500, chainProc);
  await waitFor(
    "every scrape target up",
    async () => {
      const r = await prometheus.query("min(up)");
      const v = (r.data?.result as { value: [number, string] }[] | undefined)?.[0]?.value[1];
      return v === "1" ? true : undefined;
    },
    60_000,
    1000,
  );
  return {
    net,
    prometheus,
    chainExporter: { proc: chainProc, port: chainExporterPort },
    redisExporter: { proc: redisProc, port: redisExporterPort },
    scrapeIntervalSeconds,
    stop: () => prometheus.stop(),
  };
}
