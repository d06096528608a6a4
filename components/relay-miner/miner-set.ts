/**
 * N miners. They elect a leader through Redis, share the suppliers through leases, and submit
 * claims and proofs to the validator. Each pod starts only once Redis answers and the chain has a
 * block; it is ready when its Redis connection is (the miner's own /ready).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { podServiceNames, serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { labelsFor, type ImagePullPolicy } from "../k8s/objects";
import { headlessService } from "../k8s/headless-service";
import { renderMinerConfig, type NodeUrls } from "./relayminer-config";
import { relayMinerStatefulSet } from "./workload";
import { gateScripts, waitForChain, waitForRedis } from "./gates";

export interface MinerSetArgs {
  namespace: string;
  /** pocket-relay-miner image (configured tag, or a content-addressed build). */
  image: pulumi.Input<string>;
  /** Images of the start-up gates: redis-cli waits for Redis, busybox wget for the chain. */
  gateImages: { redis: string; busybox: string };
  imagePullPolicy: ImagePullPolicy;
  replicas: number;
  redisUrl: string;
  /** The relay-miner's Redis key prefix (hash-tagged for a Redis Cluster). */
  keyPrefix: string;
  node: NodeUrls;
  chainId: string;
  blockTimeSeconds: number;
  /** Staked application addresses the miners accept relays for. */
  knownApplications: string[];
  /** supplier-keys.yaml (`keys:` list of hex private keys). */
  supplierKeysYaml: string;
  logLevel: string;
  /** Deep-merged over the rendered config.yaml (keys the localnet owns are rejected earlier). */
  overrides: Record<string, unknown>;
}

export class MinerSet extends pulumi.ComponentResource {
  /** Name of the Secret holding supplier-keys.yaml, shared with the relayers. */
  readonly keysSecretName: pulumi.Output<string>;
  readonly replicas: number;
  /** The rendered config.yaml (for checks with `pocket-relay-miner miner validate`). */
  readonly configYaml: string;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** What dependents list in `dependsOn`: this component, ready once every child is. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: MinerSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:MinerSet", name, {}, opts);
    const n = serviceNames.miner;
    const p = containerPorts.miner;
    const child = { parent: this };
    this.replicas = args.replicas;

    const keys = new k8s.core.v1.Secret(
      `${name}-supplier-keys`,
      {
        metadata: { name: "supplier-keys", namespace: args.namespace, labels: labelsFor("supplier-keys", "relay-miner") },
        type: "Opaque",
        stringData: pulumi.secret({ "supplier-keys.yaml": args.supplierKeysYaml }),
      },
      child,
    );
    this.keysSecretName = keys.metadata.name;

    this.configYaml = renderMinerConfig({
      redisUrl: args.redisUrl,
      keyPrefix: args.keyPrefix,
      node: args.node,
      chainId: args.chainId,
      blockTimeSeconds: args.blockTimeSeconds,
      knownApplications: args.knownApplications,
      logLevel: args.logLevel,
      overrides: args.overrides,
    });

    const ports = [
      { name: "metrics", port: p.metrics },
      { name: "pprof", port: p.pprof },
    ];
    const service = headlessService(`${name}-service`, { name: podServiceNames.miner, namespace: args.namespace, component: "miner", selects: n, ports }, child);
    const pullPolicy = args.imagePullPolicy;
    this.statefulSet = relayMinerStatefulSet(
      {
        name: n,
        role: "miner",
        replicas: args.replicas,
        namespace: args.namespace,
        imagePullPolicy: pullPolicy,
        image: args.image,
        configYaml: this.configYaml,
        keysSecretName: this.keysSecretName,
        ports,
        // The miner serves /ready and /health on its metrics listener.
        healthPort: p.metrics,
        initContainers: [
          waitForRedis(args.redisUrl, { image: args.gateImages.redis, imagePullPolicy: pullPolicy }),
          waitForChain(args.node.rpc, { image: args.gateImages.busybox, imagePullPolicy: pullPolicy }),
        ],
        scripts: { "wait-for-redis.sh": gateScripts["wait-for-redis.sh"], "wait-for-chain.sh": gateScripts["wait-for-chain.sh"] },
        governingService: service.metadata.name,
      },
      child,
    );

    this.ready = this;
    this.registerOutputs({ keysSecretName: this.keysSecretName, replicas: this.replicas });
  }
}
