/**
 * Shape of the genesis YAML (see localnet.yaml for a commented example). This layer checks types and
 * rejects unknown keys; cross-references, stakes, keys and chain rules are checked in validate.ts.
 */
import { z } from "zod";
import { denomPattern } from "./coins";
import { paramOverridesSchema } from "./params";
import { accountName, coin, coins, int, strict } from "./zod-util";

export const rpcTypes = ["GRPC", "WEBSOCKET", "JSON_RPC", "REST", "COMET_BFT"] as const;
export type RpcType = (typeof rpcTypes)[number];

const decimal = z
  .string({ error: 'expected a decimal string such as "0.1"' })
  .regex(/^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/, { error: 'expected a decimal string with at most 18 decimals, such as "0.1"' });

const account = strict({
  name: accountName,
  mnemonic: z.string().optional(),
  address: z.string().optional(),
  balance: coins.optional(),
});

const validator = strict({
  account: accountName,
  moniker: z.string().optional(),
  selfDelegation: coin,
  commission: strict({ rate: decimal, maxRate: decimal, maxChangeRate: decimal }).optional(),
  /** Secret the ed25519 consensus key is derived from; defaults to the validator account's mnemonic. */
  consensusKeySecret: z.string().min(1).optional(),
  /** Secret the ed25519 node (P2P) key is derived from; defaults to `node:` + the mnemonic. */
  nodeKeySecret: z.string().min(1).optional(),
});

const service = strict({
  id: z.string(),
  name: z.string().optional(),
  computeUnitsPerRelay: int(1),
  owner: accountName,
});

const endpoint = strict({
  rpcType: z.enum(rpcTypes, { error: `expected one of ${rpcTypes.join(", ")}` }),
  /** Omit to use the relayer Service of the namespace the stack deploys to. */
  url: z.string().optional(),
});

const revShare = strict({ account: accountName, percentage: int(0) });

const supplierService = strict({
  id: z.string(),
  endpoints: z.array(endpoint),
  revShare: z.array(revShare).optional(),
});

const application = strict({
  account: accountName,
  stake: coin.optional(),
  services: z.array(z.string()),
  delegateeGateways: z.array(accountName).optional(),
});

const gateway = strict({ account: accountName, stake: coin.optional() });

const supplier = strict({
  operator: accountName,
  owner: accountName.optional(),
  stake: coin.optional(),
  services: z.array(supplierService).optional(),
});

const defaults = strict({
  balance: coins.optional(),
  application: strict({ stake: coin.optional(), delegateeGateways: z.array(accountName).optional() }).optional(),
  gateway: strict({ stake: coin.optional() }).optional(),
  supplier: strict({ stake: coin.optional(), services: z.array(supplierService).optional() }).optional(),
});

export const genesisDocumentSchema = strict({
  chainId: z.string(),
  genesisTime: z.string({ error: 'expected an RFC 3339 UTC time string such as "2025-01-01T00:00:00Z" (quote it in YAML)' }),
  appVersion: z.string().optional(),
  denoms: z.array(z.string().regex(denomPattern, { error: "expected a denom: a letter then 2-127 of [a-zA-Z0-9/:._-]" })),
  defaults: defaults.optional(),
  accounts: z.array(account),
  validator,
  services: z.array(service),
  applications: z.array(application).optional(),
  gateways: z.array(gateway).optional(),
  suppliers: z.array(supplier).optional(),
  /** Extra accounts whose keys go into supplier-keys.yaml although they are not staked suppliers. */
  supplierKeys: strict({ extraAccounts: z.array(accountName) }).optional(),
  /** Generic authz grants from the gov module to this account for every params/upgrade/authz message. */
  authz: strict({ grantee: accountName }).optional(),
  params: paramOverridesSchema.optional(),
});

export type GenesisDocument = z.infer<typeof genesisDocumentSchema>;
export type SupplierServiceDoc = z.infer<typeof supplierService>;
