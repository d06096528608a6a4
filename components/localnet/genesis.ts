/**
 * The genesis the Validator runs, generated in-process from the YAML description the stack points
 * at, with supplier endpoints naming the relayer Service of this stack's namespace and session
 * windows from validator.timing, checked against the miners' failover timings.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { generateGenesis, genesisFiles, GenesisInputError, loadGenesisInput, type GenesisArtifacts, type GenesisInput, type RpcType as ChainRpcType } from "../../genesis";
import type { LocalnetConfig } from "../config/schema";
import { relayerEndpointUrl, validatorP2pAddress } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { effectiveMinerHaTimings, type RelayerService, type RpcType, type SimulationIdentity } from "../relay-miner/relayminer-config";
import { failoverFitProblems, sessionTiming } from "../timing/sessions";
import type { ValidatorGenesis } from "../validator/validator";

interface LocalnetGenesis {
  input: GenesisInput;
  artifacts: GenesisArtifacts;
}

/** A problem in the YAML becomes a RunError naming the config key (printed without a stack trace). */
function reportingGenesisFile<T>(config: LocalnetConfig, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof GenesisInputError) throw new pulumi.RunError(`validator.genesisFile = ${JSON.stringify(config.validator.genesisFile)}: ${e.message}`);
    throw e;
  }
}

export function localnetGenesis(config: LocalnetConfig, projectDir: string): LocalnetGenesis {
  const { timing, blockTimeSeconds, genesisFile } = config.validator;
  const input = reportingGenesisFile(config, () => loadGenesisInput(resolve(projectDir, genesisFile), { sharedParams: sessionTiming(timing, blockTimeSeconds) }));
  const misfit = failoverFitProblems(input.params.shared, blockTimeSeconds, effectiveMinerHaTimings(blockTimeSeconds, config.miner.config));
  if (misfit.length > 0) {
    throw new pulumi.RunError(
      `a miner crash could lose a session (validator.timing = ${JSON.stringify(timing)}, validator.blockTimeSeconds = ${blockTimeSeconds}, ` +
        `miner.config leader_election / supplier_claiming, params.shared of ${genesisFile}):\n` +
        misfit.map((m) => `  - params.shared.${m}`).join("\n") +
        "\nLengthen the window in the genesis file, shorten the miner timings, or drop the overrides to use the derived ones.",
    );
  }
  const artifacts = reportingGenesisFile(config, () =>
    generateGenesis(input, {
      relayerEndpoint: relayerEndpointUrl(config.namespace, containerPorts.relayer.relay),
      validatorP2pAddress: validatorP2pAddress(containerPorts.validator.p2p),
    }),
  );
  return { input, artifacts };
}

/** The chain's RPC type names to the relay-miner's backend keys. */
const backendKeyOf: Record<ChainRpcType, RpcType> = {
  JSON_RPC: "jsonrpc",
  WEBSOCKET: "websocket",
  REST: "rest",
  GRPC: "grpc",
  COMET_BFT: "cometbft",
};

/** One relayer service per service id any supplier stakes, with the RPC types advertised for it. */
export function relayerServicesOf(input: GenesisInput): RelayerService[] {
  const byId = new Map<string, Set<RpcType>>();
  for (const s of input.suppliers) {
    for (const svc of s.services) {
      const set = byId.get(svc.id) ?? new Set<RpcType>();
      for (const e of svc.endpoints) set.add(backendKeyOf[e.rpcType]);
      byId.set(svc.id, set);
    }
  }
  return [...byId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, types]) => ({ id, rpcTypes: [...types].sort() }));
}

/** The generated files as the Validator mounts them. */
export function validatorGenesisOf(artifacts: GenesisArtifacts): ValidatorGenesis {
  const { publicFiles, secretFiles, summary } = artifacts;
  return {
    chainId: summary.chainId,
    genesisSha256: summary.genesisSha256,
    genesisJson: publicFiles[genesisFiles.genesis],
    privValidatorStateJson: publicFiles[genesisFiles.privValidatorState],
    privValidatorKeyJson: secretFiles[genesisFiles.privValidatorKey],
    nodeKeyJson: secretFiles[genesisFiles.nodeKey],
  };
}

/** Simulated-relay key id of a service: `sim-` and the part after `develop-` (sim-http, sim-grpc, ...). */
export const simulationKeyId = (serviceId: string): string => `sim-${serviceId.replace(/^develop-/, "")}`;

/**
 * One simulated-relay identity per service: the first application staked for it and that
 * application's gateways, by the public keys keys.json lists. Accounts without a key are skipped.
 */
export function simulationIdentitiesOf(input: GenesisInput, artifacts: GenesisArtifacts): SimulationIdentity[] {
  const listed = JSON.parse(artifacts.publicFiles[genesisFiles.keys]) as { accounts: { name: string; pubkey: string | null }[] };
  const pubKeyHex = (account: string) => listed.accounts.find((a) => a.name === account)?.pubkey ?? undefined;
  const out: SimulationIdentity[] = [];
  for (const app of input.applications) {
    const serviceId = app.services[0];
    const appPubKeyHex = pubKeyHex(app.account);
    const gatewayPubKeysHex = app.delegateeGateways.map(pubKeyHex).filter((k): k is string => k !== undefined);
    if (!appPubKeyHex || gatewayPubKeysHex.length === 0 || out.some((i) => i.serviceId === serviceId)) continue;
    out.push({ keyId: simulationKeyId(serviceId), serviceId, appPubKeyHex, gatewayPubKeysHex });
  }
  return out.sort((a, b) => a.serviceId.localeCompare(b.serviceId));
}
