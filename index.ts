/**
 * relayminer-localnet: the whole topology on one page.
 *
 *   stack config ─► LocalnetConfig ─► genesis ─► Redis ─┐
 *                                              Validator ┴► MinerSet ─► RelayerSet ◄─ Backend
 *                                              Observability (in parallel)
 *
 * Readiness is declared in code: each arrow is a dependsOn plus a Kubernetes gate (readiness probe
 * or init container) that holds pods until what they need is serving.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { loadConfig } from "./components/config";
import { requireCluster } from "./components/cluster-check";
import { localnetGenesis, relayerServicesOf, simulationIdentitiesOf } from "./components/localnet-genesis";
import { kubernetesProvider } from "./components/provider";
import { LocalnetImages } from "./components/images";
import { Redis } from "./components/redis";
import { Validator } from "./components/validator";
import { Backend } from "./components/backend";
import { MinerSet } from "./components/miner-set";
import { RelayerSet } from "./components/relayer-set";
import { Observability } from "./components/observability";
import { localnetOutputs } from "./components/outputs";
import { dashboardLinks } from "./components/dashboard-links";
import type { LocalnetConfig } from "./components/config/schema";
import { genesisFiles } from "./genesis/build";

/**
 * The topology. `extra` options go to every component (tests pass a transformation to observe
 * parents and dependsOn, which Pulumi's mocks do not report).
 */
function localnet(config: LocalnetConfig, projectDir: string, extra: pulumi.ComponentResourceOptions = {}) {
  const genesis = localnetGenesis(config, projectDir);

  const provider = kubernetesProvider(config);
  const namespace = new k8s.core.v1.Namespace("namespace", { metadata: { name: config.namespace } }, { provider });
  const opts = { ...extra, providers: { kubernetes: provider }, dependsOn: [namespace] };

  const images = new LocalnetImages("images", { config, projectDir }, opts);
  const redis = config.redis.enabled ? new Redis("redis", { config }, opts) : undefined;
  const validator = new Validator("validator", { config, genesis: genesis.artifacts }, opts);
  const backend = config.backend.enabled ? new Backend("backend", { config, image: images.backend }, opts) : undefined;
  const node = { rpc: validator.rpcUrl, grpc: validator.grpcAddress };

  const miners = redis && config.miner.count > 0
    ? new MinerSet("miners", {
        config,
        redisUrl: redis.url,
        node,
        chainId: genesis.artifacts.summary.chainId,
        knownApplications: genesis.artifacts.summary.applications,
        supplierKeysYaml: genesis.artifacts.secretFiles[genesisFiles.supplierKeys],
        image: images.relayMiner,
      }, { ...opts, dependsOn: [namespace, redis, validator] })
    : undefined;

  if (redis && miners && config.relayer.count > 0) {
    new RelayerSet("relayers", {
      config,
      redisUrl: redis.url,
      node,
      backendHost: backend?.host ?? config.backend.externalHost!,
      services: relayerServicesOf(genesis.input),
      simulationIdentities: simulationIdentitiesOf(genesis.input),
      keysSecretName: miners.keysSecretName,
      image: images.relayMiner,
    }, { ...opts, dependsOn: [namespace, miners, ...(backend ? [backend] : [])] });
  }

  if (config.observability.enabled) new Observability("observability", { config }, opts);

  const { urls, forwards } = localnetOutputs(config);
  return {
    urls,
    forwards,
    dashboards: dashboardLinks(config, urls.grafana),
    chain: { chainId: genesis.artifacts.summary.chainId, genesisSha256: genesis.artifacts.summary.genesisSha256 },
    namespace: config.namespace,
  };
}

/** What `pulumi up` runs: checked config, a reachable cluster, then the topology. */
async function main() {
  const config = loadConfig(__dirname);
  await requireCluster(config);
  return localnet(config, __dirname);
}

export = Object.assign(main, { localnet });
