/**
 * The resolved genesis description: the YAML with defaults applied and params merged. Amounts are
 * bigint-backed coins. `at` fields keep the YAML path of each entry for error messages.
 */
import type { Coin } from "./coins";
import type { ModuleParams } from "./params";
import type { RpcType } from "./schema";

export interface AccountInput {
  at: string;
  name: string;
  /** Exactly one of mnemonic / address is set. */
  mnemonic?: string;
  address?: string;
  balance: Coin[];
}

export interface ValidatorInput {
  account: string;
  moniker: string;
  selfDelegation: Coin;
  commission: { rate: string; maxRate: string; maxChangeRate: string };
  consensusKeySecret?: string;
  nodeKeySecret?: string;
}

export interface ServiceInput {
  at: string;
  id: string;
  name: string;
  computeUnitsPerRelay: number;
  owner: string;
}

export interface ApplicationInput {
  at: string;
  account: string;
  stake: Coin;
  services: string[];
  delegateeGateways: string[];
}

export interface GatewayInput {
  at: string;
  account: string;
  stake: Coin;
}

export interface EndpointInput {
  rpcType: RpcType;
  /** Undefined: the relayer endpoint given to generateGenesis (ws:// for WEBSOCKET). */
  url?: string;
}

export interface SupplierServiceInput {
  /** Where this service config was written: the supplier's own entry or defaults.supplier.services. */
  at: string;
  id: string;
  endpoints: EndpointInput[];
  /** Empty: 100% to the owner (the chain's default). */
  revShare: { account: string; percentage: number }[];
}

export interface SupplierInput {
  at: string;
  operator: string;
  owner: string;
  stake: Coin;
  services: SupplierServiceInput[];
}

export interface GenesisInput {
  /** File name or label the input came from, used in error messages. */
  source: string;
  chainId: string;
  /** RFC 3339 UTC, as Go writes it (no trailing fractional zeros). */
  genesisTime: string;
  appVersion: string;
  denoms: string[];
  accounts: AccountInput[];
  validator: ValidatorInput;
  services: ServiceInput[];
  applications: ApplicationInput[];
  gateways: GatewayInput[];
  suppliers: SupplierInput[];
  supplierKeys: { extraAccounts: string[] };
  authz?: { grantee: string };
  params: ModuleParams;
}
