import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Secp256k1, Secp256k1Signature } from "@cosmjs/crypto";
import { fromBase64 } from "@cosmjs/encoding";
import { TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { buildGentxBytes, type GentxSpec, signGentx } from "./gentx";
import { deriveAccountKey, withPrefix } from "./keys";
import { devAccount, referenceGenesis } from "../test/support/genesis-fixtures";

const validator = deriveAccountKey(devAccount("validator1").mnemonic);
const referenceGentx = referenceGenesis.app_state.genutil.gen_txs[0];

/** The inputs the reference gentx was made from (read off the reference genesis). */
const referenceSpec: GentxSpec = {
  chainId: "pocket",
  moniker: "validator1",
  operatorAddress: withPrefix(validator.address, "poktvaloper"),
  consensusPublicKey: fromBase64(referenceGentx.body.messages[0].pubkey.key),
  selfDelegation: { denom: "upokt", amount: 900_000_000n },
  commission: { rate: "0.1", maxRate: "0.2", maxChangeRate: "0.01" },
  memo: referenceGentx.body.memo,
  accountPublicKey: validator.publicKey,
  accountPrivateKey: validator.privateKey,
};

const verifies = (signBytes: Uint8Array, signature: Uint8Array, pubkey: Uint8Array) =>
  Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(signature), createHash("sha256").update(signBytes).digest(), pubkey);

describe("gentx", () => {
  it("the reference gentx's signature (made by pocketd) verifies over the bytes built here", () => {
    const { signBytes } = buildGentxBytes(referenceSpec);
    assert.ok(verifies(signBytes, fromBase64(referenceGentx.signatures[0]), validator.publicKey));
  });

  it("rebuilding the reference gentx gives the identical JSON, signature included (RFC 6979)", () => {
    assert.deepEqual(signGentx(referenceSpec).json, referenceGentx);
  });

  it("a gentx for another key and chain verifies, and not with the wrong key or chain id", () => {
    const other = deriveAccountKey(devAccount("faucet").mnemonic);
    const spec = { ...referenceSpec, chainId: "my-chain", accountPublicKey: other.publicKey, accountPrivateKey: other.privateKey };
    const signed = signGentx(spec);
    assert.equal(signed.signature.length, 64);
    assert.ok(verifies(signed.signBytes, signed.signature, other.publicKey));
    assert.ok(!verifies(signed.signBytes, signed.signature, validator.publicKey));
    assert.ok(!verifies(buildGentxBytes({ ...spec, chainId: "pocket" }).signBytes, signed.signature, other.publicKey));
  });

  it("encodes commission as the 18-decimal scaled integer in protobuf and with a dot in JSON", () => {
    const signed = signGentx(referenceSpec);
    const body = TxBody.decode(signed.bodyBytes);
    const msg = MsgCreateValidator.decode(body.messages[0].value);
    assert.equal(msg.commission.rate, "100000000000000000");
    assert.equal(msg.commission.maxChangeRate, "10000000000000000");
    const json = signed.json as { body: { messages: { commission: { rate: string } }[] } };
    assert.equal(json.body.messages[0].commission.rate, "0.100000000000000000");
  });
});
