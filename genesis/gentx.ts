/**
 * The validator's genesis transaction, built and signed in TypeScript: a Tx with one
 * MsgCreateValidator, signed SIGN_MODE_DIRECT by the validator account's secp256k1 key.
 *
 * The chain decodes the gentx from JSON, re-encodes it to protobuf and checks the signature against
 * those bytes, so the bytes signed here must be the canonical encoding. cosmjs-types produces the
 * same bytes as Go (the test re-verifies the reference genesis's own gentx signature against bytes
 * built here). At genesis the ante handler verifies with account number 0 whatever the account's
 * real number is.
 */
import { createHash } from "node:crypto";
import { Secp256k1 } from "@cosmjs/crypto";
import { toBase64 } from "@cosmjs/encoding";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { type Coin, coinJson } from "./coins";
import { decToScaled, scaledToJson } from "./decimal";

export const gentxGasLimit = 200_000n;
const typeUrl = {
  createValidator: "/cosmos.staking.v1beta1.MsgCreateValidator",
  ed25519: "/cosmos.crypto.ed25519.PubKey",
  secp256k1: "/cosmos.crypto.secp256k1.PubKey",
} as const;

export interface GentxSpec {
  chainId: string;
  moniker: string;
  /** poktvaloper1... */
  operatorAddress: string;
  consensusPublicKey: Uint8Array;
  selfDelegation: Coin;
  commission: { rate: string; maxRate: string; maxChangeRate: string };
  /** `<node id>@<host>:<p2p port>`; informational for a single-node chain. */
  memo: string;
  /** The validator account's secp256k1 keys. */
  accountPublicKey: Uint8Array;
  accountPrivateKey: Uint8Array;
}

export interface SignedGentx {
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signBytes: Uint8Array;
  signature: Uint8Array;
  /** The proto3-JSON form that goes into app_state.genutil.gen_txs. */
  json: Record<string, unknown>;
}

export function buildGentxBytes(spec: Omit<GentxSpec, "accountPrivateKey">): {
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signBytes: Uint8Array;
} {
  const msg = MsgCreateValidator.fromPartial({
    description: { moniker: spec.moniker, identity: "", website: "", securityContact: "", details: "" },
    // LegacyDec travels in protobuf as the 18-decimal scaled integer, without a dot.
    commission: {
      rate: decToScaled(spec.commission.rate).toString(),
      maxRate: decToScaled(spec.commission.maxRate).toString(),
      maxChangeRate: decToScaled(spec.commission.maxChangeRate).toString(),
    },
    minSelfDelegation: "1",
    delegatorAddress: "",
    validatorAddress: spec.operatorAddress,
    pubkey: { typeUrl: typeUrl.ed25519, value: Ed25519PubKey.encode({ key: spec.consensusPublicKey }).finish() },
    value: { denom: spec.selfDelegation.denom, amount: spec.selfDelegation.amount.toString() },
  });
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: [{ typeUrl: typeUrl.createValidator, value: MsgCreateValidator.encode(msg).finish() }],
      memo: spec.memo,
    }),
  ).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: typeUrl.secp256k1, value: Secp256k1PubKey.encode({ key: spec.accountPublicKey }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence: 0n,
        },
      ],
      fee: { amount: [], gasLimit: gentxGasLimit, payer: "", granter: "" },
    }),
  ).finish();
  const signBytes = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: spec.chainId, accountNumber: 0n }).finish();
  return { bodyBytes, authInfoBytes, signBytes };
}

export function signGentx(spec: GentxSpec): SignedGentx {
  const { bodyBytes, authInfoBytes, signBytes } = buildGentxBytes(spec);
  const digest = createHash("sha256").update(signBytes).digest();
  // RFC 6979 deterministic and low-S, as the SDK requires; r‖s without the recovery byte.
  const extended = Secp256k1.createSignature(digest, spec.accountPrivateKey);
  const signature = new Uint8Array([...extended.r(32), ...extended.s(32)]);
  return { bodyBytes, authInfoBytes, signBytes, signature, json: gentxJson(spec, signature) };
}

/** The proto3 JSON the SDK's genutil writes (field order and defaults as in a `pocketd genesis gentx`). */
function gentxJson(spec: Omit<GentxSpec, "accountPrivateKey">, signature: Uint8Array): Record<string, unknown> {
  const dec = (text: string) => scaledToJson(decToScaled(text));
  return {
    body: {
      messages: [
        {
          "@type": typeUrl.createValidator,
          description: { moniker: spec.moniker, identity: "", website: "", security_contact: "", details: "" },
          commission: {
            rate: dec(spec.commission.rate),
            max_rate: dec(spec.commission.maxRate),
            max_change_rate: dec(spec.commission.maxChangeRate),
          },
          min_self_delegation: "1",
          delegator_address: "",
          validator_address: spec.operatorAddress,
          pubkey: { "@type": typeUrl.ed25519, key: toBase64(spec.consensusPublicKey) },
          value: coinJson(spec.selfDelegation),
        },
      ],
      memo: spec.memo,
      timeout_height: "0",
      unordered: false,
      timeout_timestamp: null,
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: [
        {
          public_key: { "@type": typeUrl.secp256k1, key: toBase64(spec.accountPublicKey) },
          mode_info: { single: { mode: "SIGN_MODE_DIRECT" } },
          sequence: "0",
        },
      ],
      fee: { amount: [], gas_limit: gentxGasLimit.toString(), payer: "", granter: "" },
      tip: null,
    },
    signatures: [toBase64(signature)],
  };
}
