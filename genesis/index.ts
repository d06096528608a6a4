/**
 * Genesis generator: one YAML description of the localnet in, the validator's genesis and key files
 * and the relay-miner's supplier keys out. See localnet.yaml for the format.
 *
 *   const input = loadGenesisInput("genesis/localnet.yaml");
 *   const out = generateGenesis(input, { relayerEndpoint: relayerEndpointUrl(ns, containerPorts.relayer.relay) });
 */
export { loadGenesisInput, parseGenesisInput, type GenesisLoadOptions } from "./input";
export {
  generateGenesis,
  genesisFiles,
  type GenerateOptions,
  type GenesisArtifacts,
  type GenesisSummary,
} from "./build";
export { GenesisInputError, type Problem } from "./errors";
export type {
  AccountInput,
  ApplicationInput,
  EndpointInput,
  GatewayInput,
  GenesisInput,
  ServiceInput,
  SupplierInput,
  SupplierServiceInput,
  ValidatorInput,
} from "./types";
export type { ModuleParams } from "./params";
export { defaultGenesisConfigPath } from "./paths";
