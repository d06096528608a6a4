import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Secp256k1, Secp256k1Signature } from "@cosmjs/crypto";
import { fromBase64, toHex } from "@cosmjs/encoding";
import { rawSecp256k1PubkeyToRawAddress } from "@cosmjs/amino";
import { toBech32 } from "@cosmjs/encoding";
import YAML from "yaml";
import { buildGentxBytes } from "./gentx";
import { generateGenesis, GenesisInputError, parseGenesisInput } from "./index";
import { deriveAccountKey, ed25519Address, moduleAddress } from "./keys";
import { moduleAccountNames } from "./chain";
import { devAccount, devAccounts, generateOptions, type Json, localnetYaml, referenceGenesis } from "../test/support/genesis-fixtures";

const generate = (yaml = localnetYaml, endpoint = generateOptions.relayerEndpoint) =>
  generateGenesis(parseGenesisInput(yaml, "test"), { ...generateOptions, relayerEndpoint: endpoint });
const artifacts = generate();
const genesis: Json = JSON.parse(artifacts.publicFiles["genesis.json"]);
const app = genesis.app_state;

const sumCoins = (lists: { denom: string; amount: string }[][]) => {
  const sums = new Map<string, bigint>();
  for (const c of lists.flat()) sums.set(c.denom, (sums.get(c.denom) ?? 0n) + BigInt(c.amount));
  return sums;
};
const balanceOf = (address: string, denom = "upokt") =>
  BigInt(app.bank.balances.find((b: Json) => b.address === address)?.coins.find((c: Json) => c.denom === denom)?.amount ?? "0");

describe("generated localnet: chain invariants", () => {
  it("bank supply is exactly the per-denom sum of all balances", () => {
    const sums = sumCoins(app.bank.balances.map((b: Json) => b.coins));
    const supply = new Map(app.bank.supply.map((c: Json) => [c.denom, BigInt(c.amount)]));
    assert.deepEqual(supply, sums);
    assert.deepEqual(
      app.bank.supply.map((c: Json) => c.denom),
      ["mact", "upokt"],
    );
  });

  it("application, supplier and gateway module accounts hold exactly the sum of the stakes", () => {
    const stakes = (list: Json[]) => list.reduce((acc, x) => acc + BigInt(x.stake.amount), 0n);
    assert.equal(balanceOf(moduleAddress("application")), stakes(app.application.applicationList));
    assert.equal(balanceOf(moduleAddress("supplier")), stakes(app.supplier.supplierList));
    assert.equal(balanceOf(moduleAddress("gateway")), stakes(app.gateway.gatewayList));
    assert.equal(balanceOf(moduleAddress("application")), 5n * 10_000_000_000n);
    assert.equal(balanceOf(moduleAddress("supplier")), 15n * 100_000_000n);
  });

  it("no auth account sits at a module address; account numbers are 0..n-1; addresses are unique", () => {
    const modules = new Set(moduleAccountNames.map(moduleAddress));
    const accounts: Json[] = app.auth.accounts;
    assert.ok(accounts.every((a) => !modules.has(a.address)));
    assert.deepEqual(
      accounts.map((a) => a.account_number),
      accounts.map((_, i) => String(i)),
    );
    assert.equal(new Set(accounts.map((a) => a.address)).size, accounts.length);
    assert.equal(new Set(app.bank.balances.map((b: Json) => b.address)).size, app.bank.balances.length);
  });

  it("accounts keep the reference genesis's order and numbers", () => {
    const ours = app.auth.accounts.map((a: Json) => [a.address, a.account_number]);
    const theirs = referenceGenesis.app_state.auth.accounts.map((a: Json) => [a.address, a.account_number]);
    assert.deepEqual(ours, theirs);
  });

  it("every app, gateway and supplier has its secp256k1 public key in genesis, matching its address", () => {
    const byAddress = new Map(app.auth.accounts.map((a: Json) => [a.address, a]));
    const actors = [
      ...app.application.applicationList.map((a: Json) => a.address),
      ...app.gateway.gatewayList.map((g: Json) => g.address),
      ...app.supplier.supplierList.map((s: Json) => s.operator_address),
    ];
    assert.equal(actors.length, 21);
    for (const address of actors) {
      const account: Json = byAddress.get(address);
      assert.equal(account.pub_key["@type"], "/cosmos.crypto.secp256k1.PubKey");
      assert.equal(toBech32("pokt", rawSecp256k1PubkeyToRawAddress(fromBase64(account.pub_key.key))), address);
    }
  });

  it("the gentx is signed by validator1 over the canonical bytes and is funded", () => {
    const tx = app.genutil.gen_txs[0];
    const msg = tx.body.messages[0];
    const validator = deriveAccountKey(devAccount("validator1").mnemonic);
    assert.equal(msg.validator_address, "poktvaloper18kk3aqe2pjz7x7993qp2pjt95ghurra9c5ef0t");
    const { signBytes } = buildGentxBytes({
      chainId: genesis.chain_id,
      moniker: msg.description.moniker,
      operatorAddress: msg.validator_address,
      consensusPublicKey: fromBase64(msg.pubkey.key),
      selfDelegation: { denom: msg.value.denom, amount: BigInt(msg.value.amount) },
      commission: { rate: "0.1", maxRate: "0.2", maxChangeRate: "0.01" },
      memo: tx.body.memo,
      accountPublicKey: fromBase64(tx.auth_info.signer_infos[0].public_key.key),
    });
    const digest = createHash("sha256").update(signBytes).digest();
    const sig = Secp256k1Signature.fromFixedLength(fromBase64(tx.signatures[0]));
    assert.ok(Secp256k1.verifySignature(sig, digest, validator.publicKey));
    assert.ok(BigInt(msg.value.amount) >= 1_000_000n);
    assert.ok(balanceOf(validator.address) >= BigInt(msg.value.amount));
    assert.equal(balanceOf(moduleAddress("bonded_tokens_pool")), 0n, "the gentx funds the bonded pool, not genesis");
    assert.deepEqual(app.staking.validators, []);
  });

  it("priv_validator_key.json holds the consensus key of the gentx; node_key.json gives the summary's node id", () => {
    const pv: Json = JSON.parse(artifacts.secretFiles["priv_validator_key.json"]);
    const msg = app.genutil.gen_txs[0].body.messages[0];
    assert.equal(pv.pub_key.value, msg.pubkey.key);
    assert.equal(pv.pub_key.type, "tendermint/PubKeyEd25519");
    const priv = fromBase64(pv.priv_key.value);
    assert.equal(priv.length, 64);
    assert.equal(Buffer.from(priv.subarray(32)).toString("base64"), pv.pub_key.value);
    assert.equal(pv.address, ed25519Address(fromBase64(pv.pub_key.value)).toString("hex").toUpperCase());
    const node: Json = JSON.parse(artifacts.secretFiles["node_key.json"]);
    const nodePub = fromBase64(node.priv_key.value).subarray(32);
    assert.equal(toHex(ed25519Address(nodePub)), artifacts.summary.nodeId);
    assert.notEqual(node.priv_key.value, pv.priv_key.value);
    assert.equal(app.genutil.gen_txs[0].body.memo, `${artifacts.summary.nodeId}@${generateOptions.validatorP2pAddress}`);
    assert.deepEqual(JSON.parse(artifacts.publicFiles["priv_validator_state.json"]), { height: "0", round: 0, step: 0 });
  });
});

describe("generated localnet: contents", () => {
  it("same actors as the reference localnet", () => {
    const ref = referenceGenesis.app_state;
    assert.deepEqual(
      app.application.applicationList,
      ref.application.applicationList.map((a: Json) => ({
        address: a.address,
        stake: a.stake,
        service_configs: a.service_configs,
        delegatee_gateway_addresses: a.delegatee_gateway_addresses,
      })),
    );
    assert.deepEqual(app.gateway.gatewayList, ref.gateway.gatewayList);
    assert.deepEqual(
      app.service.serviceList.map((s: Json) => [s.id, s.name, s.owner_address, Number(s.compute_units_per_relay)]),
      ref.service.serviceList.map((s: Json) => [s.id, s.name, s.owner_address, s.compute_units_per_relay]),
    );
    assert.deepEqual(
      app.supplier.supplierList.map((s: Json) => s.operator_address),
      ref.supplier.supplierList.map((s: Json) => s.operator_address),
    );
    assert.deepEqual(
      app.supplier.supplierList[0].services.map((c: Json) => [c.service_id, c.endpoints[0].rpc_type]),
      ref.supplier.supplierList[0].services.map((c: Json) => [c.service_id, c.endpoints[0].rpc_type]),
    );
    assert.equal(app.authz.authorization.length, 35);
  });

  it("supplier endpoints point at the relayer Service passed in, ws:// for WEBSOCKET", () => {
    const endpoint = "http://relayer.team-a.svc.cluster.local:8080";
    const out: Json = JSON.parse(generate(localnetYaml, endpoint).publicFiles["genesis.json"]);
    const urls = out.app_state.supplier.supplierList[0].services.map((c: Json) => [c.endpoints[0].rpc_type, c.endpoints[0].url]);
    assert.deepEqual(Object.fromEntries(urls), {
      JSON_RPC: "http://relayer.team-a.svc.cluster.local:8080",
      WEBSOCKET: "ws://relayer.team-a.svc.cluster.local:8080",
      REST: "http://relayer.team-a.svc.cluster.local:8080",
      GRPC: "http://relayer.team-a.svc.cluster.local:8080",
      COMET_BFT: "http://relayer.team-a.svc.cluster.local:8080",
    });
    assert.doesNotMatch(localnetYaml, /svc\.cluster\.local/, "the default YAML must not hard-code a relayer host");
  });

  it("supplier-keys.yaml lists the 17 keys of the reference's supplier* accounts, in order", () => {
    const file = YAML.parse(artifacts.secretFiles["supplier-keys.yaml"]) as { keys: string[] };
    assert.deepEqual(Object.keys(file), ["keys"]);
    const expected = devAccounts.filter((a) => a.name.startsWith("supplier")).map((a) => a.private_key);
    assert.equal(expected.length, 17);
    assert.deepEqual(file.keys, expected);
  });

  it("summary and keys.json list the actors; no private key appears in a public file", () => {
    const s = artifacts.summary;
    assert.equal(s.chainId, "pocket");
    assert.equal(s.validatorAddress, "pokt18kk3aqe2pjz7x7993qp2pjt95ghurra9682tyn");
    assert.deepEqual(
      s.applications,
      app.application.applicationList.map((a: Json) => a.address),
    );
    assert.equal(s.suppliers.length, 15);
    assert.deepEqual(s.gateways, ["pokt15vzxjqklzjtlz7lahe8z2dfe9nm5vxwwmscne4"]);
    assert.deepEqual(s.services, ["develop-http", "develop-websocket", "develop-stream", "develop-grpc", "develop-cometbft"]);
    assert.equal(s.genesisSha256, createHash("sha256").update(artifacts.publicFiles["genesis.json"]).digest("hex"));
    const keys: Json = JSON.parse(artifacts.publicFiles["keys.json"]);
    const app1 = keys.accounts.find((a: Json) => a.name === "app1");
    assert.deepEqual(app1, {
      name: "app1",
      address: "pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4",
      pubkey: "0397896e9b106df70124a856861cc9be52fac9980e2c7a118a36c19d0198692cc5",
      roles: ["application"],
    });
    const pv: Json = JSON.parse(artifacts.secretFiles["priv_validator_key.json"]);
    const secrets = [...devAccounts.map((a) => a.private_key), Buffer.from(fromBase64(pv.priv_key.value).subarray(0, 32)).toString("base64").slice(0, 40)];
    for (const [name, text] of Object.entries(artifacts.publicFiles)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${name} leaks a private key`);
      assert.ok(!text.includes(devAccount("app1").mnemonic), `${name} leaks a mnemonic`);
    }
  });

  it("rejects a relayer endpoint the supplier module would refuse", () => {
    assert.throws(
      () => generate(localnetYaml, "tcp://relayer:8080"),
      (err: unknown) => {
        assert.ok(err instanceof GenesisInputError);
        assert.match(err.message, /relayerEndpoint.*scheme "tcp"; allowed: http, https, ws, wss/);
        return true;
      },
    );
  });
});

/** Key paths of a JSON value; arrays contribute the shape of their first element; null matches anything. */
function shape(value: Json, path = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    out.add(`${path}[]`);
    if (value.length > 0) shape(value[0], `${path}[]`, out);
  } else if (value !== null && typeof value === "object") {
    if (Object.keys(value).length === 0) out.add(`${path}{}`);
    for (const [k, v] of Object.entries(value)) shape(v, `${path}.${k}`, out);
  } else out.add(path);
  return out;
}

describe("structural comparison with the reference genesis", () => {
  it("same top-level keys, consensus params and app_state modules", () => {
    assert.deepEqual(Object.keys(genesis), Object.keys(referenceGenesis));
    assert.deepEqual(Object.keys(app), Object.keys(referenceGenesis.app_state));
    assert.deepEqual(genesis.consensus, referenceGenesis.consensus);
    assert.equal(genesis.initial_height, 1);
    assert.equal(genesis.app_hash, null);
  });

  it("same param names in every module", () => {
    for (const module of Object.keys(app)) {
      const ours = app[module]?.params;
      const theirs = referenceGenesis.app_state[module]?.params;
      if (theirs === undefined) continue;
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), module);
    }
  });

  it("same key paths everywhere (list field names included), apart from documented differences", () => {
    const ours = shape(genesis);
    const theirs = shape(referenceGenesis);
    // Vestigial empty snake_case lists next to the populated camelCase ones: the camel name wins in
    // gogoproto jsonpb, so they are left out. The reference has null pub_keys; ours carry the keys.
    const tolerated = new Set([
      ".app_state.application.application_list[]",
      ".app_state.gateway.gateway_list[]",
      ".app_state.service.service_list[]",
      ".app_state.auth.accounts[].pub_key",
      ".app_state.auth.accounts[].pub_key.@type",
      ".app_state.auth.accounts[].pub_key.key",
    ]);
    const missing = [...theirs].filter((p) => !ours.has(p) && !tolerated.has(p));
    const extra = [...ours].filter((p) => !theirs.has(p) && !tolerated.has(p));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });

  it("default params of the poktroll modules have the reference localnet's values, but for the proof requirement localnet.yaml sets", () => {
    // Compare values, not encodings: the reference mixes numbers and strings for the same kinds.
    const norm = (v: Json): Json =>
      v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .map(([k, x]) => [k, norm(x)])
              .sort(),
          )
        : String(v);
    for (const module of ["shared", "session", "tokenomics", "application", "gateway", "supplier", "service", "migration"]) {
      assert.deepEqual(norm(app[module].params), norm(referenceGenesis.app_state[module].params), module);
    }
    const proof = { ...referenceGenesis.app_state.proof.params, proof_request_probability: 0, proof_requirement_threshold: { denom: "upokt", amount: "10000000" } };
    assert.deepEqual(norm(app.proof.params), norm(proof));
  });

  it("writes 64-bit integers and coin amounts as strings", () => {
    assert.equal(app.shared.params.num_blocks_per_session, "10");
    assert.equal(app.service.serviceList[0].compute_units_per_relay, "1000");
    assert.equal(typeof app.bank.supply[1].amount, "string");
    assert.equal(app.application.params.min_stake.amount, "100000000");
  });
});

describe("determinism", () => {
  it("the same YAML gives byte-identical files (fresh parse each time)", () => {
    const again = generate();
    assert.deepEqual(again.publicFiles, artifacts.publicFiles);
    assert.deepEqual(again.secretFiles, artifacts.secretFiles);
    assert.deepEqual(again.summary, artifacts.summary);
  });

  it("a different genesis time or consensus secret changes the output", () => {
    const other = generate(localnetYaml.replace('genesisTime: "2025-12-19T00:00:00Z"', 'genesisTime: "2025-12-20T00:00:00Z"'));
    assert.notEqual(other.summary.genesisSha256, artifacts.summary.genesisSha256);
    const doc = YAML.parse(localnetYaml);
    doc.validator.consensusKeySecret = "another secret";
    const rekeyed = generate(YAML.stringify(doc));
    assert.notEqual(rekeyed.secretFiles["priv_validator_key.json"], artifacts.secretFiles["priv_validator_key.json"]);
    assert.equal(rekeyed.secretFiles["node_key.json"], artifacts.secretFiles["node_key.json"]);
  });
});
