/**
 * Facts about the poktroll chain that the generator must respect.
 */
import { moduleAddress } from "./keys";

export const bondDenom = "upokt";

/** Voting power = tokens / 1e6, so a validator needs at least 1,000,000 upokt to have power 1. */
export const minSelfDelegation = 1_000_000n;

/** Modules that own an account (bech32 of sha256(name)[:20]). No BaseAccount may sit at these. */
export const moduleAccountNames = [
  "application",
  "supplier",
  "gateway",
  "service",
  "tokenomics",
  "proof",
  "session",
  "migration",
  "gov",
  "bonded_tokens_pool",
  "not_bonded_tokens_pool",
  "distribution",
  "mint",
  "fee_collector",
] as const;

export type ModuleAccountName = (typeof moduleAccountNames)[number];

export function moduleAccountAddresses(): Map<string, ModuleAccountName> {
  return new Map(moduleAccountNames.map((name) => [moduleAddress(name), name]));
}

export const serviceIdPattern = /^[a-zA-Z0-9_-]+$/;
export const serviceIdMaxLength = 42;
export const serviceNamePattern = /^[a-zA-Z0-9-_ ]+$/;
export const serviceNameMaxLength = 169;
/** The chain's constant is `2 << 20` (= 2^21), although its comment says 2^20. */
export const maxComputeUnitsPerRelay = 2 ** 21;

export const endpointSchemes = ["http:", "https:", "ws:", "wss:"];

/** CometBFT limit on the chain id. */
export const chainIdMaxLength = 50;
/** x/staking limit on the moniker. */
export const monikerMaxLength = 70;

/**
 * Messages the reference localnet lets the PNF account execute on behalf of gov through authz
 * (its 40 grants, de-duplicated): param updates of every module plus upgrade, authz and migration
 * admin messages.
 */
export const authzGrantedMessages = [
  ...["service", "session", "gateway", "application", "supplier", "proof", "tokenomics", "shared"].flatMap((m) => [`/pocket.${m}.MsgUpdateParams`, `/pocket.${m}.MsgUpdateParam`]),
  "/pocket.migration.MsgImportMorseClaimableAccounts",
  "/pocket.migration.MsgUpdateParams",
  "/pocket.migration.MsgRecoverMorseAccount",
  "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade",
  "/cosmos.upgrade.v1beta1.MsgCancelUpgrade",
  "/cosmos.auth.v1beta1.MsgUpdateParams",
  "/cosmos.bank.v1beta1.MsgUpdateParams",
  "/cosmos.distribution.v1beta1.MsgUpdateParams",
  "/cosmos.mint.v1beta1.MsgUpdateParams",
  "/cosmos.staking.v1beta1.MsgUpdateParams",
  "/cosmos.slashing.v1beta1.MsgUpdateParams",
  "/cosmos.gov.v1.MsgUpdateParams",
  "/cosmos.gov.v1.MsgCancelProposal",
  "/cosmos.consensus.v1.MsgUpdateParams",
  "/cosmos.authz.v1beta1.MsgGrant",
  "/cosmos.authz.v1beta1.MsgRevoke",
  "/cosmos.authz.v1beta1.MsgExec",
  "/cosmos.authz.v1beta1.MsgRevokeAll",
  "/cosmos.authz.v1beta1.MsgPruneExpiredGrants",
];

/** Far-future expiry the reference grants use. */
export const authzExpiration = "2500-01-01T00:00:00Z";
