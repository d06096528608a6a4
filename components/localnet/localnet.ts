/**
 * The whole localnet as one ComponentResource, importable by any Pulumi TypeScript program:
 *
 *   stack config ─► LocalnetConfig ─► genesis ─► Redis ─┐
 *                                              Validator ┴► MinerSet ─► RelayerSet ◄─ Backend
 *                                              Observability (in parallel)
 *
 * Readiness is declared in code: each arrow is a dependsOn plus a Kubernetes gate (readiness probe
 * or init container) that holds pods until what they need is serving.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { checkConfig, type LocalnetConfig, type LocalnetConfigInput } from "../config";
import { forwardsOf } from "../config/forwards";
import { kubernetesProvider } from "../k8s/provider";
import { localnetOutputs } from "../topology/outputs";
import { dashboardLinks } from "../topology/dashboard-links";
import type { ForwardSpec } from "../topology/forwards";
import type { LocalnetUrls } from "../topology/outputs";
import { LocalnetImages } from "../images/images";
import { Redis } from "../redis/redis";
import { Validator } from "../validator/validator";
import { Backend } from "../backend/backend";
import { MinerSet } from "../relay-miner/miner-set";
import { RelayerSet } from "../relay-miner/relayer-set";
import { Observability } from "../observability/observability";
import { genesisFiles } from "../../genesis";
import { localnetGenesis } from "./genesis";
import type { RolloutWaiter } from "../k8s/rollout-wait";
import { addImageKeys, defaultRolloutWaiter, Rollouts } from "./rollouts";
import { backendArgs, imagesArgs, minerSetArgs, observabilityArgs, providerArgs, redisArgs, relayerSetArgs, validatorArgs } from "./args";

/** The package's own directory: its genesis/localnet.yaml and services/backend are the defaults. */
const packageDir = join(__dirname, "..", "..");

/** The stack config's shape (every key optional; the stack config's defaults fill the rest). */
export type RelayMinerLocalnetArgs = LocalnetConfigInput & {
  /**
   * Directory that relative paths in the config resolve against (`validator.genesisFile`, the
   * build contexts).
   * @default the relayminer-localnet package directory
   */
  projectDir?: string;
  /**
   * What `pulumi up` waits for the rollouts with.
   * @default kubectl watches of the namespace (nothing waits in a preview, in render mode or under Pulumi's mocks)
   */
  rolloutWaiter?: RolloutWaiter;
};

/** What `pulumi stack output` shows; no secret is ever among them. */
export interface RelayMinerLocalnetOutputs {
  /** Every URL on 127.0.0.1 once `npm run forward` runs; keys of disabled parts are absent. */
  urls: LocalnetUrls;
  /** The port-forward plan (`npm run forward` and the Tiltfile read it). */
  forwards: ForwardSpec[];
  /** A Grafana link per dashboard (empty when observability is off). */
  dashboards: Record<string, string>;
  chain: { chainId: string; genesisSha256: string };
  namespace: string;
}

export class RelayMinerLocalnet extends pulumi.ComponentResource {
  /** The checked config, defaults applied. */
  readonly config: LocalnetConfig;
  readonly outputs: RelayMinerLocalnetOutputs;
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
  readonly images: LocalnetImages;
  readonly validator: Validator;
  /** Absent when redis.enabled is false. */
  readonly redis?: Redis;
  /** Absent when backend.enabled is false. */
  readonly backend?: Backend;
  /** Absent without Redis or with miner.count = 0. */
  readonly miners?: MinerSet;
  /** Absent without miners or with relayer.count = 0. */
  readonly relayers?: RelayerSet;
  /** Absent when observability.enabled is false. */
  readonly observability?: Observability;

  constructor(name: string, args: RelayMinerLocalnetArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:index:RelayMinerLocalnet", name, {}, opts);
    const { projectDir = packageDir, rolloutWaiter, ...input } = args;
    const config = checkConfig(input, projectDir);
    this.config = config;
    const genesis = localnetGenesis(config, projectDir);

    // The children were top-level resources before this component existed; the alias keeps the
    // URNs of existing stacks, so an update after the upgrade changes nothing.
    const child: pulumi.CustomResourceOptions = { parent: this, aliases: [{ parent: pulumi.rootStackResource }] };
    this.provider = kubernetesProvider(providerArgs(config), child);
    this.namespace = new k8s.core.v1.Namespace("namespace", { metadata: { name: config.namespace } }, { ...child, provider: this.provider });
    // The program, not the provider, waits for the pods (rollouts.ts): each part's dependents start once it has rolled out.
    const imageKeys = new Map<string, string>();
    const rollouts = new Rollouts(rolloutWaiter ?? defaultRolloutWaiter(config, imageKeys));
    const parts: pulumi.ComponentResourceOptions = {
      ...child,
      providers: { kubernetes: this.provider },
      dependsOn: [this.namespace],
      transformations: [...(child.transformations ?? []), rollouts.transformation],
    };
    const after = (...ready: (pulumi.Resource | undefined)[]) => ({
      ...parts,
      dependsOn: [this.namespace, ...ready.filter((r) => r !== undefined).map((r) => rollouts.ready(r))],
    });

    this.images = new LocalnetImages("images", imagesArgs(config, projectDir), parts);
    addImageKeys(imageKeys, config, this.images);
    this.redis = config.redis.enabled ? new Redis("redis", redisArgs(config), parts) : undefined;
    this.validator = new Validator("validator", validatorArgs(config, genesis.artifacts), parts);
    this.backend = config.backend.enabled ? new Backend("backend", backendArgs(config, this.images.backend), parts) : undefined;
    const node = { rpc: this.validator.rpcUrl, grpc: this.validator.grpcAddress };

    if (this.redis && config.miner.count > 0) {
      this.miners = new MinerSet(
        "miners",
        minerSetArgs(config, {
          image: this.images.relayMiner,
          redisUrl: this.redis.url,
          node,
          genesis: genesis.artifacts,
          supplierKeysYaml: genesis.artifacts.secretFiles[genesisFiles.supplierKeys],
        }),
        after(this.redis.ready, this.validator.ready),
      );
    }

    if (this.redis && this.miners && config.relayer.count > 0) {
      this.relayers = new RelayerSet(
        "relayers",
        relayerSetArgs(config, {
          image: this.images.relayMiner,
          redisUrl: this.redis.url,
          node,
          genesisInput: genesis.input,
          genesis: genesis.artifacts,
          backendHost: this.backend?.host,
          keysSecretName: this.miners.keysSecretName,
        }),
        after(this.miners.ready, this.backend?.ready),
      );
    }

    if (config.observability.enabled && this.images.chainExporter) {
      const inputs = {
        redisNodes: this.redis?.nodeHosts ?? [],
        chainExporterImage: this.images.chainExporter,
        validator: { rpcUrl: this.validator.rpcUrl, restUrl: this.validator.restUrl },
        accountsJson: genesis.artifacts.publicFiles[genesisFiles.keys],
      };
      this.observability = new Observability("observability", observabilityArgs(config, inputs), parts);
    }

    const { urls, forwards } = localnetOutputs(config.namespace, forwardsOf(config));
    this.outputs = {
      urls,
      forwards,
      dashboards: dashboardLinks(urls.grafana),
      chain: { chainId: genesis.artifacts.summary.chainId, genesisSha256: genesis.artifacts.summary.genesisSha256 },
      namespace: config.namespace,
    };
    // `up` ends once every part has rolled out.
    const everyPart = [this.redis, this.validator, this.backend, this.miners, this.relayers, this.observability].filter((p) => p !== undefined);
    this.registerOutputs({ ...this.outputs, rolledOut: rollouts.all(everyPart) });
  }
}
