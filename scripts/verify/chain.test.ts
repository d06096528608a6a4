import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sessionTiming } from "../../components/timing/sessions";
import { type SessionWindows, sendStartHeight, sessionEndOf, settlementHeightOf } from "./chain";

const windowsOf = (blockTime: number): SessionWindows => {
  const s = sessionTiming("fast", blockTime);
  return {
    numBlocksPerSession: s.num_blocks_per_session,
    gracePeriodEndOffset: s.grace_period_end_offset_blocks,
    claimWindowOpenOffset: s.claim_window_open_offset_blocks,
    claimWindowCloseOffset: s.claim_window_close_offset_blocks,
    proofWindowOpenOffset: s.proof_window_open_offset_blocks,
    proofWindowCloseOffset: s.proof_window_close_offset_blocks,
    anchorHeight: 1,
  };
};

describe("session heights", () => {
  test("sessions of 10 blocks from block 1: 1..10, 11..20", () => {
    const w = windowsOf(2);
    assert.deepEqual(
      [1, 10, 11, 20, 21].map((h) => sessionEndOf(w, h)),
      [10, 10, 20, 20, 30],
    );
    assert.equal(sessionEndOf({ ...w, anchorHeight: 5 }, 14), 14);
  });

  test("a batch starts in a session's first two blocks, else at the next session's first block", () => {
    const w = windowsOf(2);
    assert.deepEqual(
      [1, 2, 3, 4, 10, 11, 12, 13].map((h) => sendStartHeight(w, h)),
      [1, 2, 11, 11, 11, 11, 12, 21],
    );
  });

  test("the recorded 2 s run settled the session ending at 10 in block 50, as computed", () => {
    assert.equal(settlementHeightOf(windowsOf(2), 10), 50);
  });
});
