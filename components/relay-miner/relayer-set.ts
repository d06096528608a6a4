/**
 * N relayers behind the Service whose DNS name the suppliers advertise on chain. A relayer starts
 * only once the miners have written what its version needs in Redis (the leader lock: the leader
 * publishes block events and fills the caches relayers read; or the service-factor manifest, without
 * which a release's relayer refuses every relay) and every supplier's lease is held and settled
 * (relays served before were seen never to be claimed); it is ready when its health server says /ready.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { podServiceNames, relayerEndpointUrl, serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { labelsFor, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { headlessService } from "../k8s/headless-service";
import { renderRelayerConfig, type NodeUrls, type RelayerService, type SimulationIdentity } from "./relayminer-config";
import { relayMinerStatefulSet } from "./workload";
import { gateScripts, waitForMiners, type LeaseGate } from "./gates";
import { relayMinerVersions, type RelayMinerVersionId } from "./versions/versions";

export interface RelayerSetArgs {
  namespace: string;
  /** The relay-miner version the image is: its start-up gate applies. */
  version: RelayMinerVersionId;
  /** pocket-relay-miner image (configured tag, or a content-addressed build). */
  image: pulumi.Input<string>;
  /** Image of the miners gate (redis-cli). */
  gateImage: string;
  imagePullPolicy: ImagePullPolicy;
  replicas: number;
  redisUrl: string;
  /** The relay-miner's Redis key prefix (hash-tagged for a Redis Cluster). */
  keyPrefix: string;
  /** The supplier leases a relayer waits for before it starts (held, and unmoved for a rebalance interval). */
  leaseGate: LeaseGate;
  node: NodeUrls;
  /** Host relays are forwarded to (the Backend Service, or the user's own backend). */
  backendHost: string;
  /** The services the suppliers stake, with the RPC types advertised for each. */
  services: RelayerService[];
  /** Dev identities whose simulated relays the relayer answers (localnet only: public keys). */
  simulationIdentities: SimulationIdentity[];
  /** The Secret with supplier-keys.yaml (from the MinerSet). */
  keysSecretName: pulumi.Input<string>;
  validationMode: "eager" | "optimistic";
  logLevel: string;
  /** Deep-merged over the rendered config.yaml (keys the localnet owns are rejected earlier). */
  overrides: Record<string, unknown>;
}

export class RelayerSet extends pulumi.ComponentResource {
  /** The in-cluster URL suppliers advertise (same string the genesis writes). */
  readonly endpointUrl: string;
  readonly replicas: number;
  readonly configYaml: string;
  /** The load-balanced Service the suppliers' endpoint names. */
  readonly service: k8s.core.v1.Service;
  readonly statefulSet: k8s.apps.v1.StatefulSet;

  constructor(name: string, args: RelayerSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:RelayerSet", name, {}, opts);
    const n = serviceNames.relayer;
    const p = containerPorts.relayer;
    const child = { parent: this };
    this.replicas = args.replicas;
    this.endpointUrl = relayerEndpointUrl(args.namespace, p.relay);

    this.configYaml = renderRelayerConfig({
      redisUrl: args.redisUrl,
      keyPrefix: args.keyPrefix,
      node: args.node,
      backendHost: args.backendHost,
      services: args.services,
      validationMode: args.validationMode,
      logLevel: args.logLevel,
      simulationIdentities: args.simulationIdentities,
      overrides: args.overrides,
    });

    const ports = [
      { name: "relay", port: p.relay },
      { name: "health", port: p.health },
      { name: "metrics", port: p.metrics },
      { name: "pprof", port: p.pprof },
    ];
    // The load-balanced Service suppliers advertise, and a headless one for per-pod names.
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: n, namespace: args.namespace, labels: labelsFor(n, "relayer") },
        spec: {
          selector: selectorFor(n),
          ports: ports.map((x) => ({ name: x.name, port: x.port, targetPort: x.port })),
        },
      },
      child,
    );
    const pods = headlessService(`${name}-pods`, { name: podServiceNames.relayer, namespace: args.namespace, component: "relayer", selects: n, ports }, child);

    this.statefulSet = relayMinerStatefulSet(
      {
        name: n,
        role: "relayer",
        replicas: args.replicas,
        namespace: args.namespace,
        imagePullPolicy: args.imagePullPolicy,
        image: args.image,
        configYaml: this.configYaml,
        keysSecretName: args.keysSecretName,
        ports,
        healthPort: p.health,
        initContainers: [
          waitForMiners(args.redisUrl, relayMinerVersions[args.version].relayerGate, args.keyPrefix, args.leaseGate, {
            image: args.gateImage,
            imagePullPolicy: args.imagePullPolicy,
          }),
        ],
        scripts: { "wait-for-miners.sh": gateScripts["wait-for-miners.sh"] },
        governingService: pods.metadata.name,
      },
      child,
    );

    this.registerOutputs({ endpointUrl: this.endpointUrl, replicas: this.replicas });
  }
}
