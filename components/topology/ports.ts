/**
 * The port registry: every port of the localnet is declared here, once.
 *
 * - `containerPorts` are what the processes listen on inside their pods (fixed by images and the
 *   configs we render).
 * - `hostPortDefaults` are the 127.0.0.1 ports that `npm run forward` / the Tiltfile bind on the
 *   developer's machine. Each one can be overridden with stack config `ports.<name>`.
 * - Replicated workloads (relayers, miners) get one host port per replica from `replicaHostPort`,
 *   the only place where a per-replica port is computed.
 *
 * `planForwards` turns a topology into the full list of host forwards, and `findHostPortClashes`
 * checks that list; the config parser calls it so a clash is a config error, not a failed forward.
 */
import { serviceNames } from "./names";

export const containerPorts = {
  redis: { redis: 6379 },
  redisExporter: { metrics: 9121 },
  redisCommander: { http: 8081 },
  validator: { p2p: 26656, rpc: 26657, grpc: 9090, rest: 1317, metrics: 26660 },
  relayer: { relay: 8080, health: 8081, metrics: 9090, pprof: 6060 },
  miner: { metrics: 9092, pprof: 6065 },
  backend: { http: 8545, admin: 8546, grpc: 50051, metrics: 9095 },
  prometheus: { http: 9090 },
  grafana: { http: 3000 },
  chainExporter: { metrics: 9097 },
  loki: { http: 3100, grpc: 9096 },
  /** Health check extension and the collector's own metrics. */
  logCollector: { health: 13133, metrics: 8888 },
} as const;

/** Host ports of single-instance services. Keys are the stack config names under `ports.`. */
export const hostPortDefaults = {
  redis: 6379,
  redisCommander: 8081,
  validatorRpc: 26657,
  validatorGrpc: 9090,
  validatorRest: 1317,
  validatorMetrics: 26660,
  backendHttp: 8545,
  backendAdmin: 8546,
  backendGrpc: 50051,
  backendMetrics: 9095,
  prometheus: 9091,
  grafana: 3000,
  chainExporter: 9097,
  loki: 3100,
  /** Replica 0's relay port; 8180 is what the relay-miner's `relay --localnet` client dials. */
  relayerRelay: 8180,
  relayerHealth: 8280,
  relayerMetrics: 9190,
  relayerPprof: 6060,
  minerMetrics: 9290,
  minerPprof: 6160,
} as const;

export type HostPortName = keyof typeof hostPortDefaults;
type HostPorts = Record<HostPortName, number>;

/** Host port of replica `index` (0-based) of a replicated port. */
function replicaHostPort(base: number, index: number): number {
  return base + index;
}

/** What a forward points at inside the cluster: a Service, or one pod of a StatefulSet. */
interface ForwardTarget {
  kind: "service" | "pod";
  name: string;
  port: number;
}

export interface HostForward {
  /** Registry name of the host port (for replicas: the base name). */
  portName: HostPortName;
  /** Replica index for per-pod forwards. */
  replica?: number;
  hostPort: number;
  target: ForwardTarget;
  /** URL scheme a user dials on the host side. */
  scheme: "http" | "grpc" | "redis" | "tcp";
}

/** The parts of the topology that decide which forwards exist. */
export interface ForwardTopology {
  hostPorts: HostPorts;
  relayerCount: number;
  minerCount: number;
  redisEnabled: boolean;
  redisCommanderEnabled: boolean;
  backendEnabled: boolean;
  observabilityEnabled: boolean;
  /** Loki runs (observability.logs.enabled with observability on). */
  logsEnabled: boolean;
  /** Grafana beside Prometheus (read only with observability on). */
  grafanaEnabled: boolean;
}

/** Every host forward of a topology, in a stable order. */
export function planForwards(t: ForwardTopology): HostForward[] {
  const p = t.hostPorts;
  const out: HostForward[] = [];
  const svc = (portName: HostPortName, name: string, port: number, scheme: HostForward["scheme"]) =>
    out.push({ portName, hostPort: p[portName], target: { kind: "service", name, port }, scheme });
  const perPod = (portName: HostPortName, statefulSet: string, count: number, port: number, scheme: HostForward["scheme"]) => {
    for (let i = 0; i < count; i++) {
      out.push({
        portName,
        replica: i,
        hostPort: replicaHostPort(p[portName], i),
        target: { kind: "pod", name: `${statefulSet}-${i}`, port },
        scheme,
      });
    }
  };

  if (t.redisEnabled) svc("redis", serviceNames.redis, containerPorts.redis.redis, "redis");
  if (t.redisEnabled && t.redisCommanderEnabled) {
    svc("redisCommander", serviceNames.redisCommander, containerPorts.redisCommander.http, "http");
  }
  svc("validatorRpc", serviceNames.validator, containerPorts.validator.rpc, "http");
  svc("validatorGrpc", serviceNames.validator, containerPorts.validator.grpc, "grpc");
  svc("validatorRest", serviceNames.validator, containerPorts.validator.rest, "http");
  svc("validatorMetrics", serviceNames.validator, containerPorts.validator.metrics, "http");
  perPod("relayerRelay", serviceNames.relayer, t.relayerCount, containerPorts.relayer.relay, "http");
  perPod("relayerHealth", serviceNames.relayer, t.relayerCount, containerPorts.relayer.health, "http");
  perPod("relayerMetrics", serviceNames.relayer, t.relayerCount, containerPorts.relayer.metrics, "http");
  perPod("relayerPprof", serviceNames.relayer, t.relayerCount, containerPorts.relayer.pprof, "http");
  perPod("minerMetrics", serviceNames.miner, t.minerCount, containerPorts.miner.metrics, "http");
  perPod("minerPprof", serviceNames.miner, t.minerCount, containerPorts.miner.pprof, "http");
  if (t.backendEnabled) {
    svc("backendHttp", serviceNames.backend, containerPorts.backend.http, "http");
    svc("backendAdmin", serviceNames.backend, containerPorts.backend.admin, "http");
    svc("backendGrpc", serviceNames.backend, containerPorts.backend.grpc, "grpc");
    svc("backendMetrics", serviceNames.backend, containerPorts.backend.metrics, "http");
  }
  if (t.observabilityEnabled) {
    svc("prometheus", serviceNames.prometheus, containerPorts.prometheus.http, "http");
    if (t.grafanaEnabled) svc("grafana", serviceNames.grafana, containerPorts.grafana.http, "http");
    svc("chainExporter", serviceNames.chainExporter, containerPorts.chainExporter.metrics, "http");
    if (t.logsEnabled) svc("loki", serviceNames.loki, containerPorts.loki.http, "http");
  }
  return out;
}

interface HostPortClash {
  hostPort: number;
  users: string[];
}

function describe(f: HostForward): string {
  return f.replica === undefined ? `ports.${f.portName}` : `ports.${f.portName} (replica ${f.replica})`;
}

/** Host ports used by more than one forward, with who uses them. */
export function findHostPortClashes(forwards: HostForward[]): HostPortClash[] {
  const byPort = new Map<number, string[]>();
  for (const f of forwards) byPort.set(f.hostPort, [...(byPort.get(f.hostPort) ?? []), describe(f)]);
  return [...byPort.entries()]
    .filter(([, users]) => users.length > 1)
    .map(([hostPort, users]) => ({ hostPort, users }))
    .sort((a, b) => a.hostPort - b.hostPort);
}

/** The URL a developer dials on their machine for a forward (host side binds 127.0.0.1). */
export function hostUrl(f: HostForward): string {
  return `${f.scheme}://127.0.0.1:${f.hostPort}`;
}
