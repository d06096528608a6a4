/**
 * The relayer and miner config.yaml exactly as the program renders them (ConfigMaps relayer-config
 * and miner-config, Secret supplier-keys, from a run of the localnet under Pulumi mocks).
 */
import { runProgram, unsecret } from "./mock-program";
import { supplierKeysFile } from "../../components/relay-miner/relayminer-config";

export interface RenderedRelayMiner {
  relayerYaml: string;
  minerYaml: string;
  supplierKeysYaml: string;
  /** The path both configs name for the supplier keys (the Secret's mount). */
  keysFilePath: string;
}

export async function renderRelayMinerConfigs(config: Record<string, string> = {}): Promise<RenderedRelayMiner> {
  const run = await runProgram(config);
  const data = (type: string, name: string, field: "data" | "stringData", key: string): string => {
    const r = run.named(type, name);
    const value = unsecret<Record<string, string>>(r.inputs[field])?.[key];
    if (typeof value !== "string") throw new Error(`${name} has no ${field}.${key}`);
    return unsecret<string>(value);
  };
  return {
    relayerYaml: data("kubernetes:core/v1:ConfigMap", "relayer-config", "data", "config.yaml"),
    minerYaml: data("kubernetes:core/v1:ConfigMap", "miner-config", "data", "config.yaml"),
    supplierKeysYaml: data("kubernetes:core/v1:Secret", "supplier-keys", "stringData", "supplier-keys.yaml"),
    keysFilePath: supplierKeysFile,
  };
}
