/**
 * generateGenesis: a validated GenesisInput in, every file of the validator and relay-miner out.
 * Pure and synchronous: no clock, no randomness, no filesystem; the same input gives the same bytes.
 */
import { createHash } from "node:crypto";
import { toHex } from "@cosmjs/encoding";
import { bech32Prefix, consensusAddress, ed25519FromSecret, moduleAddress, nodeId, withPrefix } from "./keys";
import { bondDenom } from "./chain";
import { type Coin, coinJson, normalizeCoins } from "./coins";
import { GenesisInputError, type Problem } from "./errors";
import { signGentx } from "./gentx";
import { type Keyring, keyringOf } from "./keyring";
import { pocketModuleStates } from "./pocket-state";
import { sdkModuleStates } from "./sdk-state";
import type { GenesisInput } from "./types";
import { checkInput } from "./validate";
import { endpointUrlProblem } from "./validate-actors";
import { nodeKeyJson, privValidatorKeyJson, privValidatorStateJson } from "./validator-files";

export interface GenerateOptions {
  /** Base URL suppliers advertise when an endpoint has no url (the relayer Service of the stack). */
  relayerEndpoint: string;
  /** `host:port` other nodes dial the validator at; the gentx memo names it (`<node id>@<address>`). */
  validatorP2pAddress: string;
}

export interface GenesisSummary {
  chainId: string;
  /** The validator's account address (pokt1...). */
  validatorAddress: string;
  validatorOperatorAddress: string;
  validatorConsensusAddress: string;
  nodeId: string;
  /** Staked application addresses: the relay-miner's known_applications. */
  applications: string[];
  /** Staked supplier operator addresses. */
  suppliers: string[];
  gateways: string[];
  services: string[];
  genesisSha256: string;
}

export interface GenesisArtifacts {
  /** genesis.json, priv_validator_state.json, keys.json: fine for a ConfigMap. */
  publicFiles: Record<string, string>;
  /** priv_validator_key.json, node_key.json, supplier-keys.yaml: Secret only. */
  secretFiles: Record<string, string>;
  summary: GenesisSummary;
}

export const genesisFiles = {
  genesis: "genesis.json",
  privValidatorState: "priv_validator_state.json",
  keys: "keys.json",
  privValidatorKey: "priv_validator_key.json",
  nodeKey: "node_key.json",
  supplierKeys: "supplier-keys.yaml",
} as const;

/** CometBFT defaults, as in the reference genesis. */
const consensusParams = {
  block: { max_bytes: "22020096", max_gas: "-1" },
  evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
  validator: { pub_key_types: ["ed25519"] },
  version: { app: "0" },
  abci: { vote_extensions_enable_height: "0" },
};

export function generateGenesis(input: GenesisInput, options: GenerateOptions): GenesisArtifacts {
  const keyring = keyringOf(input);
  const problems: Problem[] = checkInput(input, keyring);
  const endpointProblem = endpointUrlProblem(options.relayerEndpoint);
  if (endpointProblem) problems.push({ path: "(option relayerEndpoint)", message: `"${options.relayerEndpoint}" ${endpointProblem}` });
  if (problems.length > 0) throw new GenesisInputError(input.source, problems);

  const addressOf = (name: string) => entry(keyring, name).address;
  const v = input.validator;
  const validatorKey = entry(keyring, v.account).key!;
  const mnemonic = input.accounts.find((a) => a.name === v.account)!.mnemonic!;
  // Defaults keep `pocketd init --recover` (consensus key = sha256(mnemonic)) reproducing the same key.
  const consensus = ed25519FromSecret(v.consensusKeySecret ?? mnemonic);
  const node = ed25519FromSecret(v.nodeKeySecret ?? `node:${mnemonic}`);
  const validatorNodeId = nodeId(node.publicKey);
  const gentx = signGentx({
    chainId: input.chainId,
    moniker: v.moniker,
    operatorAddress: withPrefix(validatorKey.address, bech32Prefix.validatorOperator),
    consensusPublicKey: consensus.publicKey,
    selfDelegation: v.selfDelegation,
    commission: v.commission,
    memo: `${validatorNodeId}@${options.validatorP2pAddress}`,
    accountPublicKey: validatorKey.publicKey,
    accountPrivateKey: validatorKey.privateKey,
  });

  const appState: Record<string, unknown> = {
    ...sdkModuleStates(input.authz ? addressOf(input.authz.grantee) : undefined),
    ...pocketModuleStates(input, addressOf, options.relayerEndpoint),
    ...authAndBank(input, keyring),
    genutil: { gen_txs: [gentx.json] },
  };
  const genesis = {
    app_name: "pocket",
    app_version: input.appVersion,
    genesis_time: input.genesisTime,
    chain_id: input.chainId,
    initial_height: 1,
    app_hash: null,
    app_state: Object.fromEntries(Object.entries(appState).sort(([a], [b]) => (a < b ? -1 : 1))),
    consensus: { params: consensusParams },
  };
  const genesisJson = `${JSON.stringify(genesis, null, 2)}\n`;

  const summary: GenesisSummary = {
    chainId: input.chainId,
    validatorAddress: validatorKey.address,
    validatorOperatorAddress: withPrefix(validatorKey.address, bech32Prefix.validatorOperator),
    validatorConsensusAddress: consensusAddress(consensus.publicKey),
    nodeId: validatorNodeId,
    applications: input.applications.map((a) => addressOf(a.account)),
    suppliers: input.suppliers.map((s) => addressOf(s.operator)),
    gateways: input.gateways.map((g) => addressOf(g.account)),
    services: input.services.map((s) => s.id),
    genesisSha256: createHash("sha256").update(genesisJson).digest("hex"),
  };

  return {
    publicFiles: {
      [genesisFiles.genesis]: genesisJson,
      [genesisFiles.privValidatorState]: privValidatorStateJson(),
      [genesisFiles.keys]: keysListing(input, keyring, summary, consensus.publicKey),
    },
    secretFiles: {
      [genesisFiles.privValidatorKey]: privValidatorKeyJson(consensus),
      [genesisFiles.nodeKey]: nodeKeyJson(node),
      [genesisFiles.supplierKeys]: supplierKeysYaml(input, keyring),
    },
    summary,
  };
}

function entry(keyring: Keyring, name: string) {
  const found = keyring.get(name);
  if (!found) throw new Error(`internal: account "${name}" passed validation but has no key`);
  return found;
}

/**
 * Accounts, balances and supply. Stakes of genesis-staked actors never moved through a stake tx,
 * so they are minted straight into their module accounts, exactly the sum of the stakes: the
 * modules pay unstakes and burns out of these balances. Supply is the sum of all balances, which
 * InitChain checks to the unit.
 */
function authAndBank(input: GenesisInput, keyring: Keyring) {
  const sum = (stakes: Coin[]) => normalizeCoins(stakes);
  const moduleBalances: [string, Coin[]][] = [
    [moduleAddress("application"), sum(input.applications.map((a) => a.stake))],
    [moduleAddress("supplier"), sum(input.suppliers.map((s) => s.stake))],
    [moduleAddress("gateway"), sum(input.gateways.map((g) => g.stake))],
  ];
  const balances = [...input.accounts.map((a): [string, Coin[]] => [keyring.get(a.name)!.address, normalizeCoins(a.balance)]), ...moduleBalances].filter(
    ([, coins]) => coins.length > 0,
  );
  const supply = normalizeCoins(balances.flatMap(([, coins]) => coins));
  return {
    auth: {
      params: {
        max_memo_characters: "256",
        tx_sig_limit: "7",
        tx_size_cost_per_byte: "10",
        sig_verify_cost_ed25519: "590",
        sig_verify_cost_secp256k1: "1000",
      },
      // Public keys are in genesis so ring signatures work from block 1 (no account-init job).
      accounts: input.accounts.map((a, i) => {
        const e = keyring.get(a.name)!;
        return {
          "@type": "/cosmos.auth.v1beta1.BaseAccount",
          address: e.address,
          pub_key: e.key ? { "@type": "/cosmos.crypto.secp256k1.PubKey", key: Buffer.from(e.key.publicKey).toString("base64") } : null,
          account_number: String(i),
          sequence: "0",
        };
      }),
    },
    bank: {
      params: { send_enabled: [], default_send_enabled: true },
      balances: balances.map(([address, coins]) => ({ address, coins: coins.map(coinJson) })),
      supply: supply.map(coinJson),
      denom_metadata: [],
      send_enabled: [],
    },
  };
}

function keysListing(input: GenesisInput, keyring: Keyring, summary: GenesisSummary, consensusPub: Uint8Array): string {
  const roles = new Map<string, string[]>();
  const role = (name: string, r: string) => roles.set(name, [...(roles.get(name) ?? []), r]);
  role(input.validator.account, "validator");
  input.applications.forEach((a) => role(a.account, "application"));
  input.gateways.forEach((g) => role(g.account, "gateway"));
  input.suppliers.forEach((s) => {
    role(s.operator, "supplier-operator");
    if (s.owner !== s.operator) role(s.owner, "supplier-owner");
  });
  input.services.forEach((s) => role(s.owner, `service-owner:${s.id}`));
  role(input.params.tokenomics.dao_reward_address, "dao-reward");
  if (input.authz) role(input.authz.grantee, "authz-grantee");
  const listing = {
    chainId: input.chainId,
    accounts: input.accounts.map((a) => {
      const e = keyring.get(a.name)!;
      return { name: a.name, address: e.address, pubkey: e.key ? toHex(e.key.publicKey) : null, roles: [...new Set(roles.get(a.name) ?? [])] };
    }),
    validator: {
      account: input.validator.account,
      address: summary.validatorAddress,
      operatorAddress: summary.validatorOperatorAddress,
      consensusAddress: summary.validatorConsensusAddress,
      consensusPubkey: Buffer.from(consensusPub).toString("base64"),
      nodeId: summary.nodeId,
      selfDelegation: `${input.validator.selfDelegation.amount}${bondDenom}`,
    },
  };
  return `${JSON.stringify(listing, null, 2)}\n`;
}

/**
 * The relay-miner's keys file: `keys:` = hex private keys of every staked supplier's operator, then
 * the extra accounts (the reference adds app1/app2 on purpose, to exercise "not a supplier, skip").
 * Quoted, because an all-digit hex key would otherwise load as a YAML number.
 */
function supplierKeysYaml(input: GenesisInput, keyring: Keyring): string {
  const names = [...input.suppliers.map((s) => s.operator), ...input.supplierKeys.extraAccounts];
  const lines = names.map((name) => `  - "${toHex(keyring.get(name)!.key!.privateKey)}" # ${name}`);
  const header = "# secp256k1 private keys of supplier operators (generated from the genesis YAML)\n";
  return lines.length === 0 ? `${header}keys: []\n` : `${header}keys:\n${lines.join("\n")}\n`;
}
