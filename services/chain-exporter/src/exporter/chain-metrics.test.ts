import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BlockResultsResponse, decodeBlockResults } from "../chain-events";
import { accountNamesFrom, ChainMetrics } from "./chain-metrics";

/** Block results of real runs (services/chain-exporter/testdata/block-results/README.md). */
const eventsOf = (name: string) => {
  const blocks: Record<string, BlockResultsResponse> = JSON.parse(readFileSync(join(__dirname, "..", "..", "testdata", "block-results", name), "utf8"));
  return Object.keys(blocks)
    .map(Number)
    .sort((a, b) => a - b)
    .flatMap((h) => decodeBlockResults(blocks[String(h)], h));
};

const supplier1 = "pokt19a3t4yunp0dlpfjrp7qwnzwlrzd5fzs2gjaaaj";
const k = { service_id: "develop-http", supplier: supplier1 };

describe("chain metrics from recorded block results", () => {
  test("a settled 200-relay session: claimed, proved, checked valid, settled, and who got paid", () => {
    const m = new ChainMetrics(new Map([[supplier1, "supplier1"]]));
    for (const e of eventsOf("settled-200-relays.json")) m.record(e);
    assert.deepEqual([m.claims.value(k), m.claimedRelays.value(k), m.claimedComputeUnits.value(k), m.claimedUpokt.value(k)], [1, 200, 200_000, 20_000_000]);
    assert.deepEqual([m.proofs.value(k), m.provedRelays.value(k), m.proofChecks.value({ ...k, status: "valid" })], [1, 200, 1]);
    assert.deepEqual([m.settlements.value({ ...k, proof_requirement: "threshold" }), m.settledRelays.value(k), m.settledUpokt.value(k)], [1, 200, 20_000_000]);
    const text = m.registry.render();
    assert.match(text, /^localnet_chain_rewards_upokt_total\{service_id="develop-http",recipient="supplier1"\} 14000000$/m, "the supplier's 70% under its name");
    assert.match(
      text,
      /^localnet_chain_rewards_upokt_total\{service_id="develop-http",recipient="pokt1eeeksh2tvkh7wzmfrljnhw4wrhs55lcuvmekkw"\} 2000000$/m,
      "an unnamed recipient by address",
    );
    assert.equal(m.expirations.value({ ...k, reason: "PROOF_MISSING" }), undefined);
  });

  test("a lost proof: the claim expires (PROOF_MISSING) and the supplier is slashed", () => {
    const m = new ChainMetrics();
    for (const e of eventsOf("cluster-proof-missing.json")) m.record(e);
    const sup = eventsOf("cluster-proof-missing.json")[0].supplier;
    const key = { service_id: "develop-http", supplier: sup };
    assert.equal(m.claimedRelays.value(key), 200);
    assert.equal(m.proofs.value(key), undefined);
    assert.deepEqual([m.expirations.value({ ...key, reason: "PROOF_MISSING" }), m.expiredRelays.value({ ...key, reason: "PROOF_MISSING" })], [1, 200]);
    assert.deepEqual([m.slashes.value(key), m.slashedUpokt.value(key)], [1, 250_000]);
    assert.equal(m.settledRelays.value(key), undefined);
  });

  test("stakes and balances: a fresh read replaces the last one", () => {
    const m = new ChainMetrics();
    m.recordStakes({ applications: [{ address: "app1", stakeUpokt: 100n }], suppliers: [{ address: "s1", stakeUpokt: 5n, balanceUpokt: 9n }] });
    m.recordStakes({ applications: [{ address: "app2", stakeUpokt: 80n }], suppliers: [{ address: "s1", stakeUpokt: 4n }] });
    assert.deepEqual([m.applicationStake.value({ application: "app1" }), m.applicationStake.value({ application: "app2" })], [undefined, 80]);
    assert.deepEqual([m.supplierStake.value({ supplier: "s1" }), m.supplierBalance.value({ supplier: "s1" })], [4, undefined]);
  });

  test("a staked supplier's path counters exist at 0 before its first claim, so the first claim counts as an increase", () => {
    const m = new ChainMetrics();
    m.recordStakes({ applications: [], suppliers: [{ address: supplier1, stakeUpokt: 1n, services: ["develop-http"] }] });
    assert.deepEqual([m.claimedRelays.value(k), m.settledRelays.value(k), m.settlements.value({ ...k, proof_requirement: "threshold" })], [0, 0, undefined]);
    for (const e of eventsOf("settled-200-relays.json")) m.record(e);
    assert.equal(m.settledRelays.value(k), 200);
  });

  test("account names come from the genesis keys.json; anything else is refused with what was expected", () => {
    assert.deepEqual([...accountNamesFrom({ chainId: "pocket", accounts: [{ name: "pnf", address: "pokt1x", roles: [] }, { address: "no-name" }] })], [["pokt1x", "pnf"]]);
    assert.throws(() => accountNamesFrom({ keys: [] }), /no "accounts" list \(expected the genesis keys.json\)/);
  });
});
