/**
 * Genesis generator: one YAML description of the localnet in, the validator's genesis and key files
 * and the relay-miner's supplier keys out. See localnet.yaml for the format.
 *
 *   const input = loadGenesisInput("genesis/localnet.yaml");
 *   const out = generateGenesis(input, { relayerEndpoint: "http://relayer.<ns>.svc.cluster.local:8080", validatorP2pAddress: "validator:26656" });
 *
 * The addresses come in as options: this library knows nothing of the Kubernetes topology.
 */
export { loadGenesisInput, parseGenesisInput } from "./input";
export { generateGenesis, genesisFiles, type GenesisArtifacts } from "./build";
export { GenesisInputError } from "./errors";
export type { GenesisInput } from "./types";
export { defaultParams, type ModuleParams } from "./params";
export type { RpcType } from "./schema";
export { defaultGenesisConfigPath } from "./paths";
