/**
 * The stack config, mapped to each part's own args: the only place that reads LocalnetConfig on
 * behalf of a part, so a part takes exactly what it uses and parts meet only through what is
 * handed over here (URLs, Service names, readiness).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GenesisArtifacts, GenesisInput } from "../../genesis";
import type { LocalnetConfig } from "../config/schema";
import type { ProviderArgs } from "../k8s/provider";
import type { LocalnetImagesArgs } from "../images/images";
import type { RedisArgs } from "../redis/redis";
import type { ValidatorArgs } from "../validator/validator";
import type { BackendArgs } from "../backend/backend";
import type { MinerSetArgs } from "../relay-miner/miner-set";
import type { RelayerSetArgs } from "../relay-miner/relayer-set";
import type { NodeUrls } from "../relay-miner/relayminer-config";
import type { ObservabilityArgs } from "../observability/observability";
import { redisKeyPrefixFor } from "../topology/names";
import { relayMinerVersions } from "../relay-miner/versions/versions";
import { effectiveMinerHaTimings } from "../relay-miner/relayminer-config";
import { relayerServicesOf, simulationIdentitiesOf, validatorGenesisOf } from "./genesis";

/** The relay-miner's Redis key prefix for this topology and version (hash-tagged in a cluster where the version allows it). */
const relayMinerKeyPrefix = (c: LocalnetConfig) => redisKeyPrefixFor(c.redis.mode, relayMinerVersions[c.relayMiner.version].redis.clusterHashTag);

export function providerArgs(c: LocalnetConfig): ProviderArgs {
  return { namespace: c.namespace, context: c.kube.context, kubeconfig: c.kube.kubeconfig, renderDir: c.kube.renderDir };
}

export function imagesArgs(c: LocalnetConfig, projectDir: string): LocalnetImagesArgs {
  const chainExporter = c.observability.enabled ? c.images.chainExporter : undefined;
  return { build: c.build, images: { backend: c.images.backend, relayMiner: c.images.relayMiner, chainExporter }, projectDir };
}

export function redisArgs(c: LocalnetConfig): RedisArgs {
  return {
    namespace: c.namespace,
    images: { redis: c.images.redis, exporter: c.images.redisExporter, commander: c.images.redisCommander },
    imagePullPolicy: c.kube.imagePullPolicy,
    mode: c.redis.mode,
    cluster: c.redis.cluster,
    maxMemoryMb: c.redis.maxMemoryMb,
    evictionPolicy: c.redis.evictionPolicy,
    persistence: c.redis.persistence,
    storageClass: c.kube.storageClass,
    commander: c.redis.commander,
    // Only Prometheus reads the exporter.
    exporter: c.observability.enabled,
  };
}

export function validatorArgs(c: LocalnetConfig, genesis: GenesisArtifacts): ValidatorArgs {
  return {
    namespace: c.namespace,
    images: { pocketd: c.images.pocketd, busybox: c.images.busybox },
    imagePullPolicy: c.kube.imagePullPolicy,
    genesis: validatorGenesisOf(genesis),
    blockTimeSeconds: c.validator.blockTimeSeconds,
    logLevel: c.validator.logLevel,
    keepState: c.validator.keepState,
    storageSize: c.validator.storageSize,
    storageClass: c.kube.storageClass,
  };
}

export function backendArgs(c: LocalnetConfig, image: pulumi.Input<string>): BackendArgs {
  return {
    namespace: c.namespace,
    image,
    imagePullPolicy: c.kube.imagePullPolicy,
    replicas: c.backend.replicas,
    config: c.backend.config,
    workers: c.backend.workers,
  };
}

/** What the miners get from the parts before them. */
export interface MinerInputs {
  image: pulumi.Input<string>;
  redisUrl: string;
  node: NodeUrls;
  genesis: GenesisArtifacts;
  /** supplier-keys.yaml from the genesis. */
  supplierKeysYaml: string;
}

export function minerSetArgs(c: LocalnetConfig, i: MinerInputs): MinerSetArgs {
  return {
    namespace: c.namespace,
    image: i.image,
    gateImages: { redis: c.images.redis, busybox: c.images.busybox },
    imagePullPolicy: c.kube.imagePullPolicy,
    replicas: c.miner.count,
    redisUrl: i.redisUrl,
    keyPrefix: relayMinerKeyPrefix(c),
    node: i.node,
    chainId: i.genesis.summary.chainId,
    blockTimeSeconds: c.validator.blockTimeSeconds,
    knownApplications: i.genesis.summary.applications,
    supplierKeysYaml: i.supplierKeysYaml,
    logLevel: c.miner.logLevel,
    overrides: c.miner.config,
  };
}

/** What the relayers get from the parts before them. */
export interface RelayerInputs {
  image: pulumi.Input<string>;
  redisUrl: string;
  node: NodeUrls;
  genesisInput: GenesisInput;
  genesis: GenesisArtifacts;
  /** The Backend's host, or undefined when the backend is off (backend.externalHost is used). */
  backendHost: string | undefined;
  keysSecretName: pulumi.Input<string>;
}

export function relayerSetArgs(c: LocalnetConfig, i: RelayerInputs): RelayerSetArgs {
  // The config rules guarantee externalHost is set when relayers run without the demo backend.
  const backendHost = i.backendHost ?? c.backend.externalHost ?? "";
  return {
    namespace: c.namespace,
    version: c.relayMiner.version,
    image: i.image,
    gateImage: c.images.redis,
    imagePullPolicy: c.kube.imagePullPolicy,
    replicas: c.relayer.count,
    redisUrl: i.redisUrl,
    keyPrefix: relayMinerKeyPrefix(c),
    leaseGate: {
      suppliers: i.genesis.summary.suppliers,
      settleSeconds: effectiveMinerHaTimings(c.validator.blockTimeSeconds, c.miner.config).rebalanceIntervalSeconds,
    },
    node: i.node,
    backendHost,
    services: relayerServicesOf(i.genesisInput),
    simulationIdentities: simulationIdentitiesOf(i.genesisInput, i.genesis),
    keysSecretName: i.keysSecretName,
    validationMode: c.relayer.validationMode,
    logLevel: c.relayer.logLevel,
    overrides: c.relayer.config,
  };
}

/** What the observability part takes from the other parts. */
export interface ObservabilityInputs {
  redisNodes: string[];
  chainExporterImage: pulumi.Input<string>;
  validator: { rpcUrl: string; restUrl: string };
  /** The genesis keys.json (public: names and addresses), so rewards show by account name. */
  accountsJson: string;
}

export function observabilityArgs(c: LocalnetConfig, i: ObservabilityInputs): ObservabilityArgs {
  const logs = c.observability.logs;
  return {
    images: { prometheus: c.images.prometheus, grafana: c.images.grafana },
    imagePullPolicy: c.kube.imagePullPolicy,
    scrape: {
      namespace: c.namespace,
      scrapeIntervalSeconds: c.observability.scrapeIntervalSeconds,
      relayers: c.relayer.count,
      miners: c.miner.count,
      redisNodes: i.redisNodes,
      backendReplicas: c.backend.enabled ? c.backend.replicas : 0,
      chainExporter: true,
    },
    grafanaAdminPassword: c.observability.grafanaAdminPassword,
    grafanaAnonymous: c.observability.grafanaAnonymous,
    grafana: c.observability.grafana,
    // One read per block: the exporter is never more than a block behind the chain.
    chainExporter: { image: i.chainExporterImage, ...i.validator, accountsJson: i.accountsJson, intervalSeconds: c.validator.blockTimeSeconds },
    logs: logs.enabled ? { images: { loki: c.images.loki, logCollector: c.images.logCollector }, retentionHours: logs.retentionHours } : undefined,
  };
}
