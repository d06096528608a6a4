/**
 * The default localnet's money: a session that must be proved always pays for its proof, a small
 * one never has to, a 200-relay session is proved, and no supplier starts near the stake level at
 * which the relay-miner warns (or the chain unstakes it).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadGenesisInput } from "./input";
import { defaultGenesisConfigPath } from "./paths";

const input = loadGenesisInput(defaultGenesisConfigPath);
const p = input.params;

/** upokt a session of `relays` relays claims for a service: relays x CU/relay x multiplier / granularity. */
const claimed = (relays: number, computeUnitsPerRelay: number) =>
  (BigInt(relays) * BigInt(computeUnitsPerRelay) * BigInt(p.shared.compute_units_to_tokens_multiplier)) / BigInt(p.shared.compute_unit_cost_granularity);

/** The supplier's part of a settled claim (mint = burn; no inflation on the localnet). */
const supplierShare = (upokt: bigint) => (upokt * BigInt(Math.round(p.tokenomics.mint_equals_burn_claim_distribution.supplier * 1e6))) / 1_000_000n;

/** The relay-miner's balance monitor warns below this many missed proofs of stake buffer. */
const relayMinerStakeWarningProofs = 10n;

describe("localnet.yaml economics", () => {
  it("no proof is requested at random: only claims at or above the threshold need one", () => {
    assert.equal(p.proof.proof_request_probability, 0);
  });

  it("a claim that needs a proof earns the supplier more than the proof costs", () => {
    const threshold = p.proof.proof_requirement_threshold.amount;
    assert.ok(
      supplierShare(threshold) > p.proof.proof_submission_fee.amount,
      `supplier gets ${supplierShare(threshold)} upokt of a ${threshold} upokt claim; a proof costs ${p.proof.proof_submission_fee.amount}`,
    );
  });

  it("a 1-relay session earns without a proof; a 200-relay session needs one, for every service", () => {
    for (const s of input.services) {
      const one = claimed(1, s.computeUnitsPerRelay);
      assert.ok(one < p.proof.proof_requirement_threshold.amount, `${s.id}: 1 relay claims ${one}`);
      assert.ok(supplierShare(one) > 0n, `${s.id}: 1 relay earns nothing`);
      assert.ok(claimed(200, s.computeUnitsPerRelay) >= p.proof.proof_requirement_threshold.amount, `${s.id}: 200 relays below the threshold`);
    }
  });

  it("every supplier can miss many proofs before its stake is at risk (no stake warning from the miner)", () => {
    for (const s of input.suppliers) {
      const missedProofs = (s.stake.amount - p.supplier.min_stake.amount) / p.proof.proof_missing_penalty.amount;
      assert.ok(missedProofs >= relayMinerStakeWarningProofs, `${s.operator}: ${missedProofs} missed proofs of buffer`);
    }
  });
});
