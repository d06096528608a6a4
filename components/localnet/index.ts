/**
 * The package's public entry (`import { RelayMinerLocalnet } from "relayminer-localnet"`): the
 * localnet component, the stack-config loader and the cluster preflight index.ts runs before it.
 */
export { RelayMinerLocalnet, type RelayMinerLocalnetArgs, type RelayMinerLocalnetOutputs } from "./localnet";
export { loadConfig, type LocalnetConfig, type LocalnetConfigInput } from "../config";
export { requireCluster } from "../k8s/cluster-check";
