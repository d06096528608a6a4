/**
 * N miners. They elect a leader through Redis, share the suppliers through leases, and submit
 * claims and proofs to the validator. Each pod starts only once Redis answers and the chain has a
 * block; it is ready when its Redis connection is (the miner's own /ready).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "./config/schema";
import { podServiceNames, redisKeyPrefixFor, serviceNames } from "./names";
import { containerPorts } from "./ports";
import { httpProbe, labelsFor, resources } from "./k8s";
import { headlessService } from "./headless-service";
import { renderMinerConfig } from "./relayminer-config";
import { relayMinerStatefulSet } from "./relayminer-workload";
import { waitForChain, waitForRedis } from "./gates";

export interface MinerSetArgs {
  config: LocalnetConfig;
  /** pocket-relay-miner image. */
  image: pulumi.Input<string>;
  redisUrl: string;
  node: { rpc: string; grpc: string };
  chainId: string;
  knownApplications: string[];
  /** supplier-keys.yaml (`keys:` list of hex private keys). */
  supplierKeysYaml: string;
}

export class MinerSet extends pulumi.ComponentResource {
  /** Name of the Secret holding supplier-keys.yaml, shared with the relayers. */
  readonly keysSecretName: pulumi.Output<string>;
  readonly replicas: number;
  /** The rendered config.yaml (for checks with `pocket-relay-miner miner validate`). */
  readonly configYaml: string;

  constructor(name: string, args: MinerSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:MinerSet", name, {}, opts);
    const c = args.config;
    const n = serviceNames.miner;
    const p = containerPorts.miner;
    const child = { parent: this };
    this.replicas = c.miner.count;

    const keys = new k8s.core.v1.Secret(`${name}-supplier-keys`, {
      metadata: { name: "supplier-keys", namespace: c.namespace, labels: labelsFor("supplier-keys", "relay-miner") },
      type: "Opaque",
      stringData: pulumi.secret({ "supplier-keys.yaml": args.supplierKeysYaml }),
    }, child);
    this.keysSecretName = keys.metadata.name;

    this.configYaml = renderMinerConfig({
      redisUrl: args.redisUrl,
      keyPrefix: redisKeyPrefixFor(c.redis.mode),
      node: args.node,
      chainId: args.chainId,
      blockTimeSeconds: c.validator.blockTimeSeconds,
      knownApplications: args.knownApplications,
      logLevel: c.miner.logLevel,
      overrides: c.miner.config,
    });

    const ports = [
      { name: "metrics", port: p.metrics },
      { name: "pprof", port: p.pprof },
    ];
    const service = headlessService(`${name}-service`, { name: podServiceNames.miner, namespace: c.namespace, component: "miner", selects: n, ports }, child);
    relayMinerStatefulSet({
      name: n,
      role: "miner",
      replicas: c.miner.count,
      config: c,
      image: args.image,
      configYaml: this.configYaml,
      keysSecretName: this.keysSecretName,
      ports: ports.map((x) => ({ name: x.name, containerPort: x.port })),
      // /ready answers 200 only while Redis answers PING; /health is up as soon as the process is.
      readinessProbe: httpProbe("/ready", p.metrics, { initialDelaySeconds: 3 }),
      livenessProbe: httpProbe("/health", p.metrics, { initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 6 }),
      initContainers: [waitForRedis(c, args.redisUrl), waitForChain(c, args.node.rpc)],
      resources: resources("250m", "256Mi", "2", "2Gi"),
      governingService: service.metadata.name,
    }, child);

    this.registerOutputs({ keysSecretName: this.keysSecretName, replicas: this.replicas });
  }
}
