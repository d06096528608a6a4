/** The message of the UsageError a command's argument parser throws (fails the test if none). */
import assert from "node:assert/strict";
import { UsageError } from "../../scripts/usage-error";

export function usageErrorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected a UsageError");
}
