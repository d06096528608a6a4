import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GenesisInputError, loadGenesisInput, parseGenesisInput } from "./index";
import { devAccount, type Json, localnetDoc, toYaml } from "../test/support/genesis-fixtures";
import { defaultGenesisConfigPath } from "./paths";

/** Parses a mutated default localnet and returns the error message (fails if it parses). */
function errorOf(mutate: (doc: Json) => void): string {
  const doc = localnetDoc();
  mutate(doc);
  return messageOf(() => parseGenesisInput(toYaml(doc), "bad.yaml"));
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof GenesisInputError, `expected GenesisInputError, got ${String(err)}`);
    assert.ok(err.problems.length > 0);
    return err.message;
  }
  assert.fail("expected the input to be rejected");
}

const account = (doc: Json, name: string) => doc.accounts.find((a: Json) => a.name === name);

describe("the default localnet.yaml", () => {
  it("loads and has the reference actors", () => {
    const input = loadGenesisInput(defaultGenesisConfigPath);
    assert.equal(input.chainId, "pocket");
    assert.equal(input.accounts.length, 25);
    assert.equal(input.applications.length, 5);
    assert.equal(input.gateways.length, 1);
    assert.equal(input.suppliers.length, 15);
    assert.equal(input.services.length, 5);
    assert.equal(input.suppliers[0].services.length, 5);
    assert.equal(input.params.shared.claim_window_close_offset_blocks, 8);
  });

  it("applies param overrides by the chain's names", () => {
    const doc = localnetDoc();
    doc.params.shared = { num_blocks_per_session: 20, claim_window_close_offset_blocks: 10 };
    doc.params.proof = { proof_request_probability: 0.25, proof_missing_penalty: "320000000upokt" };
    const input = parseGenesisInput(toYaml(doc));
    assert.equal(input.params.shared.num_blocks_per_session, 20);
    assert.equal(input.params.shared.claim_window_close_offset_blocks, 10);
    assert.equal(input.params.shared.proof_window_close_offset_blocks, 8, "unset params keep their default");
    assert.equal(input.params.proof.proof_missing_penalty.amount, 320_000_000n);
  });

  it("shared params passed by the caller apply under the file's own params, and are checked with them", () => {
    const windows = { claim_window_close_offset_blocks: 19, proof_window_close_offset_blocks: 19, application_unbonding_period_sessions: 4 };
    const input = parseGenesisInput(toYaml(localnetDoc()), "x.yaml", { sharedParams: windows });
    assert.equal(input.params.shared.claim_window_close_offset_blocks, 19);
    assert.equal(input.params.shared.application_unbonding_period_sessions, 4);
    const doc = localnetDoc();
    doc.params.shared = { claim_window_close_offset_blocks: 12 };
    assert.equal(parseGenesisInput(toYaml(doc), "x.yaml", { sharedParams: windows }).params.shared.claim_window_close_offset_blocks, 12, "the file wins");
    // Windows longer than the application unbonding period break a chain rule: reported, not passed on.
    const msg = messageOf(() =>
      parseGenesisInput(toYaml(localnetDoc()), "x.yaml", { sharedParams: { claim_window_close_offset_blocks: 19, proof_window_close_offset_blocks: 19 } }),
    );
    assert.match(msg, /application_unbonding_period_sessions/);
  });
});

describe("bad input gets a clear error", () => {
  it("an invalid mnemonic names the account and does not echo the words", () => {
    const words = devAccount("app3").mnemonic.split(" ");
    const msg = errorOf((d) => (account(d, "app3").mnemonic = [...words.slice(0, 23), "zoo"].join(" ")));
    assert.match(msg, /accounts\[5\]\.mnemonic: account "app3": invalid mnemonic: the checksum/);
    assert.ok(!msg.includes(words.slice(0, 5).join(" ")));
    const short = errorOf((d) => (account(d, "gateway1").mnemonic = "salt iron goat"));
    assert.match(short, /account "gateway1": invalid mnemonic: has 3 words/);
  });

  it("duplicate account names", () => {
    const msg = errorOf((d) => d.accounts.push({ name: "app1", address: "pokt1eeeksh2tvkh7wzmfrljnhw4wrhs55lcuvmekkw" }));
    assert.match(msg, /accounts\[25\]\.name: duplicate account name "app1" \(first used at accounts\[3\]\)/);
  });

  it("duplicate addresses (the same key under two names)", () => {
    const msg = errorOf((d) => d.accounts.push({ name: "app1_again", mnemonic: devAccount("app1").mnemonic }));
    assert.match(msg, /account "app1_again" has address pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4, which account "app1" already has/);
  });

  it("an application referencing an unknown service", () => {
    const msg = errorOf((d) => (d.applications[0].services = ["develop-nope"]));
    assert.match(msg, /applications\[0\]\.services: application "app1" references unknown service "develop-nope"; known services: develop-http, develop-websocket/);
  });

  it("a supplier referencing an unknown service", () => {
    const msg = errorOf((d) => (d.suppliers[2] = { operator: "supplier3", services: [{ id: "nope", endpoints: [{ rpcType: "REST" }] }] }));
    assert.match(msg, /suppliers\[2\]\.services\[0\]\.id: supplier "supplier3" references unknown service "nope"/);
  });

  it("a stake below the module minimum (application, supplier, gateway, validator)", () => {
    const msg = errorOf((d) => {
      d.applications[1].stake = "99999999upokt";
      d.suppliers[0].stake = "999999upokt";
      d.gateways[0].stake = "1upokt";
      d.validator.selfDelegation = "999999upokt";
    });
    assert.match(msg, /applications\[1\]\.stake: 99999999upokt is below the application module minimum params\.application\.min_stake = 100000000upokt/);
    assert.match(msg, /suppliers\[0\]\.stake: 999999upokt is below the supplier module minimum params\.supplier\.min_stake = 1000000upokt/);
    assert.match(msg, /gateways\[0\]\.stake: 1upokt is below the gateway module minimum/);
    assert.match(msg, /validator\.selfDelegation: 999999upokt is below 1000000upokt, the least that gives voting power 1/);
    assert.match(msg, /\(4 problems\)/);
  });

  it("a stake in the wrong denom, and a self-delegation the validator cannot pay", () => {
    const msg = errorOf((d) => {
      d.gateways[0].stake = "2000000mact";
      d.validator.selfDelegation = "900000000000001upokt";
    });
    assert.match(msg, /gateways\[0\]\.stake: denom is "mact"; stakes are in upokt/);
    assert.match(msg, /validator\.selfDelegation: 900000000000001upokt is more than account "validator1" holds \(900000000000000upokt\)/);
  });

  it("revenue shares not summing to 100", () => {
    const msg = errorOf(
      (d) =>
        (d.suppliers[1] = {
          operator: "supplier2",
          services: [
            {
              id: "develop-http",
              endpoints: [{ rpcType: "JSON_RPC" }],
              revShare: [
                { account: "supplier2", percentage: 60 },
                { account: "pnf", percentage: 30 },
              ],
            },
          ],
        }),
    );
    assert.match(msg, /suppliers\[1\]\.services\[0\]\.revShare: supplier "supplier2" service "develop-http": revenue shares sum to 90; they must sum to exactly 100/);
  });

  it("an application with more than one service", () => {
    const msg = errorOf((d) => (d.applications[0].services = ["develop-http", "develop-grpc"]));
    assert.match(msg, /applications\[0\]\.services: application "app1" lists 2 services \(develop-http, develop-grpc\); an application stakes for exactly one service/);
  });

  it("params that break the chain's rules: windows longer than the unbonding period allows", () => {
    const msg = errorOf((d) => (d.params.shared = { application_unbonding_period_sessions: 1 }));
    assert.match(
      msg,
      /params\.shared\.application_unbonding_period_sessions: 1 sessions x 10 blocks = 10 blocks is shorter than the claim and proof windows \(.*= 17 blocks\); raise it to at least 2/,
    );
  });

  it("other param rules: grace period, tokenomics sums, mint ratio, probability, coin denoms", () => {
    const msg = errorOf((d) => {
      d.params.shared = { grace_period_end_offset_blocks: 10 };
      d.params.tokenomics = { mint_ratio: 0, mint_allocation_percentages: { application: 0, dao: 0.1, proposer: 0.05, source_owner: 0.15, supplier: 0.6 } };
      d.params.proof = { proof_request_probability: 1.5 };
      d.params.supplier = { min_stake: "1000000mact" };
    });
    assert.match(msg, /params\.shared\.grace_period_end_offset_blocks: is 10; must be less than num_blocks_per_session \(10\)/);
    assert.match(msg, /params\.tokenomics\.mint_ratio: is 0; must be in \(0, 1\]/);
    assert.match(msg, /params\.tokenomics\.mint_allocation_percentages: the five shares sum to 0\.9\d*; they must sum to 1/);
    assert.match(msg, /params\.proof\.proof_request_probability: is 1\.5; must be between 0 and 1/);
    assert.match(msg, /params\.supplier\.min_stake: denom is "mact"; the chain only accepts upokt here/);
  });

  it("unknown keys, naming the allowed ones", () => {
    const msg = errorOf((d) => {
      d.chainID = "typo";
      d.suppliers[0].stak = "1upokt";
      d.params.shared = { num_blocks_per_sesion: 5 };
    });
    assert.match(msg, /\(root\): unknown key "chainID"; allowed keys: chainId, genesisTime, appVersion, denoms/);
    assert.match(msg, /suppliers\[0\]: unknown key "stak"; allowed keys: operator, owner, stake, services/);
    assert.match(msg, /params\.shared: unknown key "num_blocks_per_sesion"; allowed keys: num_blocks_per_session,/);
  });

  it("wrong types say what was expected and what was found", () => {
    const msg = errorOf((d) => {
      d.accounts[0].balance = 1000;
      d.services[0].computeUnitsPerRelay = "lots";
      d.suppliers[0].services = [{ id: "develop-http", endpoints: [{ rpcType: "HTTP" }] }];
    });
    assert.match(msg, /accounts\[0\]\.balance: expected a string: an integer amount followed by a denom.*\(got 1000\)/);
    assert.match(msg, /services\[0\]\.computeUnitsPerRelay: expected an integer between 1 and .*\(got "lots"\)/);
    assert.match(msg, /suppliers\[0\]\.services\[0\]\.endpoints\[0\]\.rpcType: expected one of GRPC, WEBSOCKET, JSON_RPC, REST, COMET_BFT \(got "HTTP"\)/);
  });

  it("a malformed coin and an unlisted denom", () => {
    const msg = errorOf((d) => (d.defaults.gateway.stake = "2 POKT"));
    assert.match(msg, /defaults\.gateway\.stake: "2 POKT" is not a coin; expected an integer amount followed by a denom/);
    // Type errors stop before the cross-checks, so the denom check is seen on its own.
    assert.match(
      errorOf((d) => (account(d, "faucet").balance = "5uatom")),
      /accounts\[0\]\.balance: account "faucet": denom "uatom" is not listed in denoms \(upokt, mact\)/,
    );
  });

  it("a reference to an account that does not exist, or has no key", () => {
    const msg = errorOf((d) => {
      d.gateways[0].account = "gateway9";
      d.accounts.push({ name: "watch_only", address: "pokt1eeeksh2tvkh7wzmfrljnhw4wrhs55lcuvmekkx" });
      d.suppliers.push({ operator: "watch_only" });
    });
    assert.match(msg, /gateways\[0\]\.account: "gateway9" is not an account name from accounts/);
    assert.match(msg, /applications\[0\]\.delegateeGateways: "gateway1" is not a staked gateway/);
    assert.match(msg, /accounts\[25\]\.address: account "watch_only": "pokt1.*" is not valid bech32/);
  });

  it("an ordinary account at a module address", () => {
    const msg = errorOf((d) => d.accounts.push({ name: "sneaky", address: "pokt1j40dzzmn6cn9kxku7a5tjnud6hv37vesr5ccaa" }));
    assert.match(msg, /accounts\[25\]\.address: pokt1j40dzzmn6cn9kxku7a5tjnud6hv37vesr5ccaa is the supplier module account/);
  });

  it("a supplier endpoint URL with a scheme the chain refuses", () => {
    const msg = errorOf((d) => (d.suppliers[0].services = [{ id: "develop-http", endpoints: [{ rpcType: "JSON_RPC", url: "tcp://x:1" }] }]));
    assert.match(msg, /suppliers\[0\]\.services\[0\]\.endpoints\[0\]\.url: "tcp:\/\/x:1" has scheme "tcp"; allowed: http, https, ws, wss/);
  });

  it("a bad genesis time", () => {
    const msg = errorOf((d) => (d.genesisTime = "2025-02-30T00:00:00Z"));
    assert.match(msg, /genesisTime: "2025-02-30T00:00:00Z" is not an RFC 3339 UTC time/);
  });

  it("an unreadable file", () => {
    const msg = messageOf(() => loadGenesisInput("/nonexistent/genesis.yaml"));
    assert.equal(msg, "invalid genesis input /nonexistent/genesis.yaml:\n  - (root): cannot read the file: no such file");
    const dir = mkdtempSync(join(tmpdir(), "genesis-test-"));
    assert.match(
      messageOf(() => loadGenesisInput(dir)),
      /cannot read the file: it is a directory/,
    );
  });

  it("a file that is not YAML, or not a mapping", () => {
    const dir = mkdtempSync(join(tmpdir(), "genesis-test-"));
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "chainId: pocket\naccounts: [unclosed\n");
    assert.match(
      messageOf(() => loadGenesisInput(file)),
      /broken\.yaml:\n {2}- \(root\): not valid YAML: Flow sequence .* at line 3, column 1$/,
    );
    assert.match(
      messageOf(() => parseGenesisInput("just a string")),
      /expected a YAML mapping \(chainId, accounts, validator, \.\.\.\), got "just a string"/,
    );
    assert.match(
      messageOf(() => parseGenesisInput("")),
      /expected a YAML mapping/,
    );
    assert.match(
      messageOf(() => parseGenesisInput("a: 1\na: 2\n")),
      /not valid YAML: Map keys must be unique at line 2, column 1$/,
    );
  });
});
