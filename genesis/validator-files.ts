/**
 * CometBFT key and state files of the validator node, in the exact JSON CometBFT reads
 * (amino-JSON key types, 64-byte ed25519 private keys = seed ‖ public key).
 */
import { toBase64 } from "@cosmjs/encoding";
import { type Ed25519Key, ed25519Address } from "./keys";

const privKey = (key: Ed25519Key) => ({
  type: "tendermint/PrivKeyEd25519",
  value: toBase64(Buffer.concat([key.seed, key.publicKey])),
});

/** config/priv_validator_key.json: the consensus key, whose public half is in the gentx. */
export function privValidatorKeyJson(consensus: Ed25519Key): string {
  return json({
    address: ed25519Address(consensus.publicKey).toString("hex").toUpperCase(),
    pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(consensus.publicKey) },
    priv_key: privKey(consensus),
  });
}

/** config/node_key.json: the P2P identity (node id = hex sha256(pub)[:20]). */
export function nodeKeyJson(node: Ed25519Key): string {
  return json({ priv_key: privKey(node) });
}

/**
 * data/priv_validator_state.json: must exist whenever the key file does, and must start at height 0
 * on a fresh chain (a higher height makes the node refuse to sign earlier blocks).
 */
export function privValidatorStateJson(): string {
  return json({ height: "0", round: 0, step: 0 });
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
