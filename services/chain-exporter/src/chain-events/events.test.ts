import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BlockResultsResponse, decodeBlockResults } from "./events";

/** Recorded from a real run; see services/chain-exporter/testdata/block-results/README.md. */
const recorded = (name: string): Record<string, BlockResultsResponse> => JSON.parse(readFileSync(join(__dirname, "..", "..", "testdata", "block-results", name), "utf8"));
const run = recorded("settled-200-relays.json");
const at = (h: number) => decodeBlockResults(run[String(h)], h);

const supplier1 = "pokt19a3t4yunp0dlpfjrp7qwnzwlrzd5fzs2gjaaaj";
const app1 = "pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4";
const session = { supplier: supplier1, service: "develop-http", application: app1, sessionEndHeight: 10 };

describe("relay-path events from recorded block results", () => {
  test("the claim (a transaction event) with its relays, compute units and amount", () => {
    assert.deepEqual(at(13), [{ kind: "claim", ...session, height: 13, relays: 200, computeUnits: 200_000, claimedUpokt: 20_000_000n }]);
  });

  test("the proof (transaction) and its check (finalize-block event) in the same block", () => {
    assert.deepEqual(at(32), [
      { kind: "proof", ...session, height: 32, relays: 200, computeUnits: 200_000, claimedUpokt: 20_000_000n },
      { kind: "proof_checked", ...session, height: 32, status: "valid", failureReason: "" },
    ]);
  });

  test("the settlement with the proof requirement and who got what", () => {
    const [settled, ...rest] = at(50);
    assert.deepEqual(rest, [], "validator rewards and settlement batches are not relay-path events");
    assert.equal(settled.kind, "settled");
    if (settled.kind !== "settled") return;
    assert.equal(settled.relays, 200);
    assert.equal(settled.settledUpokt, 20_000_000n);
    assert.equal(settled.proofRequirement, "threshold");
    assert.equal(settled.rewards[supplier1], 14_000_000n, "70% to the supplier");
    assert.equal(settled.sessionId, "2ee37f8435fedc084683ffb0120329a24b1d25a3dfb585233ab992cb0bdae686");
  });

  test("a block without relay-path events decodes to nothing", () => {
    assert.deepEqual(at(1), []);
  });

  test("a recorded PROOF_MISSING: the claim's expiry and the supplier's slash, in the settlement block", () => {
    const lost = recorded("cluster-proof-missing.json");
    const events = decodeBlockResults(lost["50"], 50);
    assert.deepEqual(
      events.map((e) => e.kind),
      ["expired", "slashed"],
    );
    const [expired, slashed] = events;
    assert.equal(expired.kind === "expired" && `${expired.reason}:${expired.relays}`, "PROOF_MISSING:200");
    assert.equal(slashed.kind === "slashed" && slashed.penaltyUpokt, 250_000n);
  });

  test("expiries and failed transactions: the reason by name or number; a failed tx's events are ignored", () => {
    const attr = (key: string, value: string) => ({ key, value });
    const claimAttrs = [
      attr("supplier_operator_address", JSON.stringify(supplier1)),
      attr("service_id", '"develop-http"'),
      attr("application_address", JSON.stringify(app1)),
      attr("session_end_block_height", '"10"'),
      attr("num_relays", '"301"'),
      attr("num_claimed_compute_units", '"301000"'),
      attr("claimed_upokt", '"30100000upokt"'),
    ];
    const expired = (reason: string) => ({ type: "pocket.tokenomics.EventClaimExpired", attributes: [...claimAttrs, attr("expiration_reason", reason)] });
    const events = decodeBlockResults(
      {
        result: {
          txs_results: [{ code: 5, events: [{ type: "pocket.proof.EventClaimCreated", attributes: claimAttrs }] }],
          finalize_block_events: [expired('"PROOF_MISSING"'), expired("2"), { type: "pocket.tokenomics.EventClaimExpired", attributes: [attr("num_relays", "oops")] }],
        },
      },
      70,
    );
    assert.deepEqual(
      events.map((e) => (e.kind === "expired" ? `${e.reason}:${e.relays}` : e.kind)),
      ["PROOF_MISSING:301", "PROOF_INVALID:301"],
    );
  });
});
