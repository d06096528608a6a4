import assert from "node:assert/strict";
import { createHash, sign, verify, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, it } from "node:test";
import { Slip10, Slip10Curve, stringToPath, Bip39 } from "@cosmjs/crypto";
import { fromBase64, toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  consensusAddress,
  cosmosHubPath,
  deriveAccountKey,
  derivePrivateKey,
  ed25519Address,
  ed25519FromSecret,
  mnemonicProblem,
  mnemonicToSeed,
  moduleAddress,
  withPrefix,
  addressProblem,
} from "./keys";
import { devAccount, devAccounts } from "../test/support/genesis-fixtures";

describe("account keys from mnemonics", () => {
  it("validator1 matches the reference vector (address, valoper, private and public key)", () => {
    const key = deriveAccountKey(devAccount("validator1").mnemonic);
    assert.equal(key.address, "pokt18kk3aqe2pjz7x7993qp2pjt95ghurra9682tyn");
    assert.equal(withPrefix(key.address, "poktvaloper"), "poktvaloper18kk3aqe2pjz7x7993qp2pjt95ghurra9c5ef0t");
    assert.equal(toHex(key.privateKey), "cc3b85b08ca33957246edbcb8b63fe8b24b1dc12a8fcd57cdd26d88eab74cd3d");
    assert.equal(toHex(key.publicKey), "028f2eb062e6f037ac99c10427f88830caf47e703e98a08298827f686d0749bc32");
  });

  it("app1 matches the reference vector", () => {
    const key = deriveAccountKey(devAccount("app1").mnemonic);
    assert.equal(key.address, "pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4");
    assert.equal(toHex(key.privateKey), "2d00ef074d9b51e46886dc9a1df11e7b986611d0f336bdcf1f0adce3e037ec0a");
    assert.equal(toHex(key.publicKey), "0397896e9b106df70124a856861cc9be52fac9980e2c7a118a36c19d0198692cc5");
  });

  it("every public dev account derives to its listed address and private key", () => {
    assert.equal(devAccounts.length, 27);
    for (const account of devAccounts) {
      const key = deriveAccountKey(account.mnemonic);
      assert.equal(key.address, account.address, account.name);
      assert.equal(toHex(key.privateKey), account.private_key, account.name);
    }
  });

  it("the node:crypto BIP-32 path agrees with @cosmjs Slip10 on many seeds", () => {
    const path = stringToPath("m/44'/118'/0'/0/0");
    for (let i = 0; i < 40; i++) {
      const seed = createHash("sha512").update(`seed-${i}`).digest();
      const expected = Slip10.derivePath(Slip10Curve.Secp256k1, seed, path).privkey;
      assert.equal(toHex(derivePrivateKey(seed, cosmosHubPath)), toHex(expected), `seed ${i}`);
    }
  });

  it("agrees with DirectSecp256k1HdWallet (prefix pokt, default path) on fresh mnemonics", async () => {
    // Two: the wallet's pure-JS key derivation is slow; the 27 dev accounts above cover breadth.
    for (let i = 0; i < 2; i++) {
      const mnemonic = Bip39.encode(createHash("sha256").update(`m-${i}`).digest()).toString();
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "pokt" });
      const [account] = await wallet.getAccounts();
      const key = deriveAccountKey(mnemonic);
      assert.equal(key.address, account.address);
      assert.equal(toHex(key.publicKey), toHex(account.pubkey));
    }
  });

  it("ignores extra whitespace in a mnemonic (YAML folding)", () => {
    const m = devAccount("app1").mnemonic;
    assert.deepEqual(mnemonicToSeed(`  ${m.replace(/ /g, "\n   ")} `), mnemonicToSeed(m));
  });
});

describe("mnemonic problems", () => {
  const good = devAccount("app1").mnemonic;
  it("accepts a valid mnemonic", () => assert.equal(mnemonicProblem(good), undefined));
  it("reports the word count", () => assert.match(mnemonicProblem("abandon abandon")!, /has 2 words/));
  it("reports unknown words by position, without echoing them", () => {
    const words = good.split(" ");
    words[4] = "notaword";
    const problem = mnemonicProblem(words.join(" "))!;
    assert.match(problem, /position 5/);
    assert.doesNotMatch(problem, /notaword/);
  });
  it("reports a bad checksum", () => {
    const words = good.split(" ");
    [words[0], words[1]] = [words[1], words[0]];
    assert.match(mnemonicProblem(words.join(" "))!, /checksum/);
  });
});

describe("addresses", () => {
  it("module accounts match the chain's addresses", () => {
    const expected: Record<string, string> = {
      application: "pokt1rl3gjgzexmplmds3tq3r3yk84zlwdl6djzgsvm",
      supplier: "pokt1j40dzzmn6cn9kxku7a5tjnud6hv37vesr5ccaa",
      gateway: "pokt1f6j7u6875p2cvyrgjr0d2uecyzah0kget9vlpl",
      service: "pokt1nhmtqf4gcmpxu0p6e53hpgtwj0llmsqpxtumcf",
      tokenomics: "pokt14cvnmzrt9cz4qdf5lhs0xn3u0a3gymla9cc6ft",
      proof: "pokt1c8x6ycmzs29kjfn9zgzjh97txu578vzj4ahzhh",
      session: "pokt18ua0rm8th52pp26p0mqdy7aledwngrshg85d7h",
      migration: "pokt13fkw44pctm2rjsj8kutf97mjnvzk878pedy3xu",
      gov: "pokt10d07y265gmmuvt4z0w9aw880jnsr700j8yv32t",
      bonded_tokens_pool: "pokt1fl48vsnmsdzcv85q5d2q4z5ajdha8yu3gakm90",
      not_bonded_tokens_pool: "pokt1tygms3xhhs3yv487phx3dw4a95jn7t7lua22nm",
      distribution: "pokt1jv65s3grqf6v6jl3dp4t6c9t9rk99cd86emg48",
      mint: "pokt1m3h30wlvsf8llruxtpukdvsy0km2kum84hcvmc",
      fee_collector: "pokt17xpfvakm2amg962yls6f84z3kell8c5ldlu5h9",
    };
    for (const [name, address] of Object.entries(expected)) assert.equal(moduleAddress(name), address, name);
  });

  it("checks pokt addresses", () => {
    assert.equal(addressProblem("pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4"), undefined);
    assert.match(addressProblem("poktvaloper18kk3aqe2pjz7x7993qp2pjt95ghurra9c5ef0t")!, /prefix "poktvaloper"/);
    assert.match(addressProblem("pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva5")!, /not valid bech32/);
  });
});

describe("ed25519 consensus and node keys", () => {
  it("the reference validator's consensus pubkey gives its priv_validator_key address", () => {
    const pub = fromBase64("JK3j8wGDGw052XLwU9VkuXa+vT57ZwwnaY/CPtWZkdg=");
    assert.equal(ed25519Address(pub).toString("hex").toUpperCase(), "1CC11D16F106427D16DE0700241F00C95D7C8746");
    assert.equal(consensusAddress(pub), "poktvalcons1rnq369h3qep869k7quqzg8cqe9whep6x9m8df3");
  });

  it("derives a deterministic key from a secret (seed = sha256(secret)) that signs and verifies", () => {
    const a = ed25519FromSecret("some secret");
    const b = ed25519FromSecret("some secret");
    assert.deepEqual(a, b);
    assert.deepEqual(a.seed, createHash("sha256").update("some secret").digest());
    assert.notDeepEqual(ed25519FromSecret("other").publicKey, a.publicKey);
    const priv = createPrivateKey({
      key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), a.seed]),
      format: "der",
      type: "pkcs8",
    });
    const sig = sign(null, Buffer.from("msg"), priv);
    const pub = createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), a.publicKey]),
      format: "der",
      type: "spki",
    });
    assert.ok(verify(null, Buffer.from("msg"), pub, sig));
  });
});
