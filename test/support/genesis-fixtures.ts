/** Shared fixtures of the genesis tests (not a test file itself). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { defaultGenesisConfigPath } from "../../genesis/paths";
import { generateGenesis, genesisFiles, parseGenesisInput } from "../../genesis";

export const relayerEndpoint = "http://relayer.test-ns.svc.cluster.local:8080";

/** Options of generateGenesis for a stack in namespace test-ns. */
export const generateOptions = { relayerEndpoint, validatorP2pAddress: "validator:26656" };

export interface DevAccount {
  name: string;
  address: string;
  private_key: string;
  mnemonic: string;
}

export const devAccounts: DevAccount[] = (YAML.parse(readFileSync(join(__dirname, "..", "..", "genesis", "testdata", "all-keys.yaml"), "utf8")) as { accounts: DevAccount[] })
  .accounts;

export const devAccount = (name: string): DevAccount => {
  const found = devAccounts.find((a) => a.name === name);
  if (!found) throw new Error(`no dev account ${name}`);
  return found;
};

export type Json = any;

export const referenceGenesis: Json = JSON.parse(readFileSync(join(__dirname, "..", "..", "genesis", "testdata", "reference-genesis.json"), "utf8"));

export const localnetYaml = readFileSync(defaultGenesisConfigPath, "utf8");

/** The default localnet as a plain object, to mutate into bad inputs. */
export function localnetDoc(): Json {
  return YAML.parse(localnetYaml);
}

export function toYaml(doc: unknown): string {
  return YAML.stringify(doc);
}

/** supplier-keys.yaml as the generator writes it for the default localnet. */
export function generatedSupplierKeys(): string {
  return generateGenesis(parseGenesisInput(localnetYaml), generateOptions).secretFiles[genesisFiles.supplierKeys];
}
