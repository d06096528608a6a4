/**
 * The genesis the Validator runs, generated in-process from the YAML description the stack points
 * at, with supplier endpoints naming the relayer Service of this stack's namespace.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { generateGenesis, genesisFiles, GenesisInputError, loadGenesisInput, type GenesisArtifacts, type GenesisInput, type RpcType as ChainRpcType } from "../../genesis";
import type { LocalnetConfig } from "../config/schema";
import { relayerEndpointUrl, validatorP2pAddress } from "../topology/names";
import { containerPorts } from "../topology/ports";
import type { RelayerService, RpcType } from "../relay-miner/relayminer-config";
import type { ValidatorGenesis } from "../validator/validator";

interface LocalnetGenesis {
  input: GenesisInput;
  artifacts: GenesisArtifacts;
}

/** Generates the genesis; a problem in the YAML becomes a RunError (printed without a stack trace). */
export function localnetGenesis(config: LocalnetConfig, projectDir: string): LocalnetGenesis {
  try {
    const input = loadGenesisInput(resolve(projectDir, config.validator.genesisFile));
    const artifacts = generateGenesis(input, {
      relayerEndpoint: relayerEndpointUrl(config.namespace, containerPorts.relayer.relay),
      validatorP2pAddress: validatorP2pAddress(containerPorts.validator.p2p),
    });
    return { input, artifacts };
  } catch (e) {
    if (e instanceof GenesisInputError) throw new pulumi.RunError(`validator.genesisFile = ${JSON.stringify(config.validator.genesisFile)}: ${e.message}`);
    throw e;
  }
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
