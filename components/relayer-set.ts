/**
 * N relayers behind the Service whose DNS name the suppliers advertise on chain. A relayer starts
 * only once a miner leader holds the lock in Redis (the leader is what publishes block events and
 * fills the caches relayers read); it is ready when its health server says /ready.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "./config/schema";
import { podServiceNames, redisKeyPrefixFor, relayerEndpointUrl, serviceNames } from "./names";
import { containerPorts } from "./ports";
import { httpProbe, labelsFor, resources, selectorFor } from "./k8s";
import { headlessService } from "./headless-service";
import { renderRelayerConfig, type RelayerService, type SimulationIdentity } from "./relayminer-config";
import { relayMinerStatefulSet } from "./relayminer-workload";
import { waitForLeader } from "./gates";

export interface RelayerSetArgs {
  config: LocalnetConfig;
  /** pocket-relay-miner image. */
  image: pulumi.Input<string>;
  redisUrl: string;
  node: { rpc: string; grpc: string };
  /** Host relays are forwarded to (the Backend Service, or backend.externalHost). */
  backendHost: string;
  services: RelayerService[];
  simulationIdentities: SimulationIdentity[];
  keysSecretName: pulumi.Input<string>;
}

export class RelayerSet extends pulumi.ComponentResource {
  /** The in-cluster URL suppliers advertise (same string the genesis writes). */
  readonly endpointUrl: string;
  readonly replicas: number;
  readonly configYaml: string;

  constructor(name: string, args: RelayerSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:RelayerSet", name, {}, opts);
    const c = args.config;
    const n = serviceNames.relayer;
    const p = containerPorts.relayer;
    const child = { parent: this };
    this.replicas = c.relayer.count;
    this.endpointUrl = relayerEndpointUrl(c.namespace, p.relay);

    this.configYaml = renderRelayerConfig({
      redisUrl: args.redisUrl,
      keyPrefix: redisKeyPrefixFor(c.redis.mode),
      node: args.node,
      backendHost: args.backendHost,
      services: args.services,
      validationMode: c.relayer.validationMode,
      logLevel: c.relayer.logLevel,
      simulationIdentities: args.simulationIdentities,
      overrides: c.relayer.config,
    });

    const ports = [
      { name: "relay", port: p.relay },
      { name: "health", port: p.health },
      { name: "metrics", port: p.metrics },
      { name: "pprof", port: p.pprof },
    ];
    // The load-balanced Service suppliers advertise, and a headless one for per-pod names.
    new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: n, namespace: c.namespace, labels: labelsFor(n, "relayer") },
      spec: {
        selector: selectorFor(n),
        ports: ports.map((x) => ({ name: x.name, port: x.port, targetPort: x.port })),
      },
    }, child);
    const pods = headlessService(`${name}-pods`, { name: podServiceNames.relayer, namespace: c.namespace, component: "relayer", selects: n, ports }, child);

    relayMinerStatefulSet({
      name: n,
      role: "relayer",
      replicas: c.relayer.count,
      config: c,
      image: args.image,
      configYaml: this.configYaml,
      keysSecretName: args.keysSecretName,
      ports: ports.map((x) => ({ name: x.name, containerPort: x.port })),
      readinessProbe: httpProbe("/ready", p.health, { initialDelaySeconds: 3 }),
      livenessProbe: httpProbe("/health", p.health, { initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 6 }),
      initContainers: [waitForLeader(c, args.redisUrl)],
      resources: resources("250m", "256Mi", "2", "2Gi"),
      governingService: pods.metadata.name,
    }, child);

    this.registerOutputs({ endpointUrl: this.endpointUrl, replicas: this.replicas });
  }
}
