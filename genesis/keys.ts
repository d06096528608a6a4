/**
 * Key derivation for the genesis: secp256k1 account keys from BIP-39 mnemonics, ed25519 consensus and
 * node keys from secrets, and the bech32 addresses the chain uses.
 *
 * Account keys follow the Cosmos Hub default path m/44'/118'/0'/0/0 (what `pocketd keys add` and the
 * public dev keys use, not POKT's registered coin type 635). The mnemonic checksum check and all address
 * encoding are @cosmjs; the two hot steps (PBKDF2 seed, BIP-32 child derivation) run on node:crypto
 * because the pure-JS versions cost ~4 ms per account, which is too slow for 1,000 suppliers. Tests
 * pin this path against @cosmjs `Slip10` and `DirectSecp256k1HdWallet`.
 */
import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync } from "node:crypto";
import { EnglishMnemonic } from "@cosmjs/crypto";
import { rawSecp256k1PubkeyToRawAddress } from "@cosmjs/amino";
import { fromBech32, toBech32, toHex } from "@cosmjs/encoding";

export const bech32Prefix = {
  account: "pokt",
  validatorOperator: "poktvaloper",
  consensus: "poktvalcons",
} as const;

/** Hardened indices carry this bit (BIP-32). */
const HARDENED = 0x80000000;
/** m/44'/118'/0'/0/0 */
export const cosmosHubPath: readonly number[] = [44 + HARDENED, 118 + HARDENED, 0 + HARDENED, 0, 0];
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface AccountKey {
  /** 32-byte raw private key. Only ever written to Secret-bound files. */
  privateKey: Uint8Array;
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
  /** bech32 `pokt1...` */
  address: string;
}

/** Collapses whitespace so a mnemonic folded over YAML lines still reads as 24 single-spaced words. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().split(/\s+/).join(" ");
}

const englishWords = new Set(EnglishMnemonic.wordlist);

/**
 * Why a mnemonic is not valid BIP-39 English, or undefined if it is. The reason never repeats the
 * words themselves (mnemonics are secrets in general, even if the localnet ones are public).
 */
export function mnemonicProblem(mnemonic: string): string | undefined {
  const words = normalizeMnemonic(mnemonic).split(" ");
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    return `has ${words.length} words; a BIP-39 mnemonic has 12, 15, 18, 21 or 24`;
  }
  const unknown = words.flatMap((w, i) => (englishWords.has(w) ? [] : [i + 1]));
  if (unknown.length > 0) {
    return `word(s) at position ${unknown.join(", ")} are not in the BIP-39 English word list`;
  }
  try {
    new EnglishMnemonic(words.join(" "));
  } catch {
    return "the checksum (last word) does not match; the words are probably mistyped or reordered";
  }
  return undefined;
}

export function mnemonicToSeed(mnemonic: string): Buffer {
  // BIP-39: PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + (empty) passphrase, NFKD-normalized.
  return pbkdf2Sync(normalizeMnemonic(mnemonic).normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
}

export function compressedPublicKey(privateKey: Uint8Array): Buffer {
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey(null, "compressed");
}

/** BIP-32 private derivation along `path` (secp256k1). */
export function derivePrivateKey(seed: Uint8Array, path: readonly number[]): Buffer {
  let digest = createHmac("sha512", "Bitcoin seed").update(seed).digest();
  let key = digest.subarray(0, 32);
  let chainCode = digest.subarray(32);
  for (const index of path) {
    const indexBytes = Buffer.alloc(4);
    indexBytes.writeUInt32BE(index >>> 0);
    const data = index >= HARDENED ? Buffer.concat([Buffer.alloc(1), key, indexBytes]) : Buffer.concat([compressedPublicKey(key), indexBytes]);
    digest = createHmac("sha512", chainCode).update(data).digest();
    const tweak = BigInt(`0x${digest.subarray(0, 32).toString("hex")}`);
    const child = (tweak + BigInt(`0x${key.toString("hex")}`)) % SECP256K1_N;
    // Probability ~2^-127; BIP-32 says skip to the next index, but no real mnemonic hits this.
    if (tweak >= SECP256K1_N || child === 0n) throw new Error("BIP-32 derivation produced an invalid key");
    key = Buffer.from(child.toString(16).padStart(64, "0"), "hex");
    chainCode = digest.subarray(32);
  }
  return Buffer.from(key);
}

export function accountAddress(publicKey: Uint8Array): string {
  return toBech32(bech32Prefix.account, rawSecp256k1PubkeyToRawAddress(publicKey));
}

// Every program run derives the same dozen accounts (2048 PBKDF2 rounds each); a process that runs
// the program many times (the mock tests, an Automation API program) derives each mnemonic once.
const derived = new Map<string, AccountKey>();

export function deriveAccountKey(mnemonic: string): AccountKey {
  let key = derived.get(mnemonic);
  if (!key) {
    const privateKey = derivePrivateKey(mnemonicToSeed(mnemonic), cosmosHubPath);
    const publicKey = compressedPublicKey(privateKey);
    derived.set(mnemonic, (key = { privateKey, publicKey, address: accountAddress(publicKey) }));
  }
  // Copies: a caller that zeroes or edits its key must not change the next caller's.
  return { privateKey: Buffer.from(key.privateKey), publicKey: Buffer.from(key.publicKey), address: key.address };
}

/** Re-encodes an account address under another prefix (same 20 bytes), e.g. the valoper address. */
export function withPrefix(address: string, prefix: string): string {
  return toBech32(prefix, fromBech32(address, 90).data);
}

/** Why `address` is not a `pokt1` account address, or undefined. */
export function addressProblem(address: string): string | undefined {
  try {
    // The explicit limit avoids @scure/base's "expected safe integer" error on a missing limit.
    const decoded = fromBech32(address, 90);
    if (decoded.prefix !== bech32Prefix.account) return `has prefix "${decoded.prefix}", expected "pokt"`;
    if (decoded.data.length !== 20) return `decodes to ${decoded.data.length} bytes, expected 20`;
    return undefined;
  } catch (err) {
    return `is not valid bech32 (${(err as Error).message})`;
  }
}

/** Module account address: bech32("pokt", sha256(moduleName)[:20]). */
export function moduleAddress(moduleName: string): string {
  return toBech32(bech32Prefix.account, createHash("sha256").update(moduleName).digest().subarray(0, 20));
}

export interface Ed25519Key {
  /** 32-byte seed; CometBFT stores seed‖publicKey as its 64-byte private key. */
  seed: Buffer;
  publicKey: Buffer;
}

const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * ed25519 key from a secret string, the way CometBFT's `GenPrivKeyFromSecret` does it (seed =
 * sha256(secret)). `pocketd init --recover` uses exactly this with the mnemonic as the secret, so a
 * consensus key derived from the validator mnemonic is the one `init --recover` would create.
 */
export function ed25519FromSecret(secret: string): Ed25519Key {
  const seed = createHash("sha256").update(secret, "utf8").digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { seed, publicKey: spki.subarray(spki.length - 32) };
}

/** CometBFT address of an ed25519 key: sha256(pub)[:20]. Upper hex in priv_validator_key.json. */
export function ed25519Address(publicKey: Uint8Array): Buffer {
  return createHash("sha256").update(publicKey).digest().subarray(0, 20);
}

/** CometBFT node ID: lowercase hex of sha256(node pub)[:20]. */
export function nodeId(publicKey: Uint8Array): string {
  return toHex(ed25519Address(publicKey));
}

export function consensusAddress(publicKey: Uint8Array): string {
  return toBech32(bech32Prefix.consensus, ed25519Address(publicKey));
}
