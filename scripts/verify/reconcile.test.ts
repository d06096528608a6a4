import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BlockResultsResponse, decodeBlockResults, type RelayEvent } from "../../services/chain-exporter/chain-events";
import { servedKey } from "./metrics";
import { reconcile } from "./reconcile";

/** Block results of a real 200-relay session (see services/chain-exporter/testdata/block-results/README.md). */
function recordedEvents(name: string): RelayEvent[] {
  const blocks: Record<string, BlockResultsResponse> = JSON.parse(
    readFileSync(join(__dirname, "..", "..", "services", "chain-exporter", "testdata", "block-results", name), "utf8"),
  );
  return Object.entries(blocks).flatMap(([h, r]) => decodeBlockResults(r, Number(h)));
}

const supplier1 = "pokt19a3t4yunp0dlpfjrp7qwnzwlrzd5fzs2gjaaaj";
const events = recordedEvents("settled-200-relays.json");
const scope = { firstSessionEnd: 10, lastSessionEnd: 10 };
const served = (entries: [string, string, number][]) => new Map(entries.map(([svc, sup, n]) => [servedKey(svc, sup), n]));

describe("reconciling served relays with a recorded settled session", () => {
  test("200 served, 200 claimed, proved and settled: OK, with the amounts", () => {
    const r = reconcile(served([["develop-http", supplier1, 200]]), events, scope);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.rows.map((x) => [x.served, x.claimed, x.proved, x.settled, x.expired, x.settledUpokt, x.supplierRewardUpokt]),
      [[200, 200, 200, 200, 0, 20_000_000n, 14_000_000n]],
    );
    assert.deepEqual(
      r.sessions.map((s) => [s.claimHeight, s.proofHeight, s.proofStatus, s.settledHeight, s.proofRequirement]),
      [[13, 32, "valid", 50, "threshold"]],
    );
  });

  test("one relay more served than settled is a lost relay: NOT OK, naming how many", () => {
    const r = reconcile(served([["develop-http", supplier1, 201]]), events, scope);
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, ["develop-http, supplier pokt19a3t4…aaaj: 1 of 201 served relays were not settled (claimed 200, settled 200)"]);
  });

  test("relays served for a supplier the chain never heard of are all lost", () => {
    const r = reconcile(
      served([
        ["develop-http", supplier1, 200],
        ["develop-grpc", "pokt1other000000000000000000000000000abcd", 5],
      ]),
      events,
      scope,
    );
    assert.deepEqual(r.problems, ["develop-grpc, supplier pokt1other…abcd: 5 of 5 served relays were not settled (claimed 0, settled 0)"]);
  });

  test("sessions outside the scope are not counted; more settled than counted is a note, not a failure", () => {
    assert.equal(reconcile(served([["develop-http", supplier1, 200]]), events, { firstSessionEnd: 20, lastSessionEnd: 30 }).ok, false);
    const r = reconcile(served([["develop-http", supplier1, 150]]), events, scope);
    assert.equal(r.ok, true);
    assert.match(r.notes[0], /200 settled, 150 counted by the relayers/);
  });

  test("the crash run: the standby claimed, proved and settled all 200 relays of the killed leader's supplier", () => {
    const crash = recordedEvents("crash-200-relays.json");
    const supplier = "pokt1j6dun0x8eyq5mmsmq83zs3c2utt85q8478c89u";
    const r = reconcile(served([["develop-http", supplier, 200]]), crash, { firstSessionEnd: 60, lastSessionEnd: 60 });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.rows.map((x) => [x.supplier, x.claimed, x.proved, x.settled]),
      [[supplier, 200, 200, 200]],
    );
  });

  test("a 1-relay session: claimed, settled without a proof, 70% of 0.1 POKT to the supplier", () => {
    const one = recordedEvents("settled-1-relay.json");
    const supplier6 = "pokt1mrchgg9jzcumavwn8x0fcr7q0qhw2jrc7yzcez";
    const r = reconcile(served([["develop-http", supplier6, 1]]), one, { firstSessionEnd: 100, lastSessionEnd: 100 });
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.sessions.map((s) => [s.claimedRelays, s.proofHeight, s.proofRequirement, s.settledRelays, s.supplierRewardUpokt]),
      [[1, undefined, "not_required", 1, 70_000n]],
    );
  });

  test("the recorded cluster run that lost its proof: NOT OK, naming the expired claim and the 200 lost relays", () => {
    const r = reconcile(served([["develop-http", supplier1, 200]]), recordedEvents("cluster-proof-missing.json"), scope);
    assert.equal(r.ok, false);
    assert.deepEqual(r.problems, [
      "session ending at 10 (develop-http, supplier pokt19a3t4…aaaj, application pokt1mrqt5…jva4): the claim for 200 relays expired at height 50 (PROOF_MISSING)",
      "develop-http, supplier pokt19a3t4…aaaj: 200 of 200 served relays were not settled (claimed 200, settled 0)",
    ]);
  });

  test("an expired claim (the chain's PROOF_MISSING) and a claim still waiting are problems", () => {
    const claim = events.find((e) => e.kind === "claim")!;
    if (claim.kind !== "claim") throw new Error("fixture has no claim");
    const expired: RelayEvent = { ...claim, kind: "expired", height: 50, reason: "PROOF_MISSING" };
    const withoutSettlement = events.filter((e) => e.kind !== "settled");
    const lost = reconcile(served([["develop-http", supplier1, 200]]), [...withoutSettlement, expired], scope);
    assert.equal(lost.ok, false);
    assert.match(lost.problems.join("\n"), /the claim for 200 relays expired at height 50 \(PROOF_MISSING\)/);
    assert.match(lost.problems.join("\n"), /200 of 200 served relays were not settled/);
    const waiting = reconcile(served([["develop-http", supplier1, 200]]), withoutSettlement, scope);
    assert.match(waiting.problems[0], /claimed 200 relays at height 13 but not settled yet/);
  });
});
