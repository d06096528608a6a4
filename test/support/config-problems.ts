/** The problems a config check refuses with, one line each (`key = value: message`), for assertions. */
import assert from "node:assert/strict";
import { ConfigError } from "../../components/config/errors";

export function configProblems(check: () => unknown): string[] {
  try {
    check();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.key}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}: ${p.message}`);
  }
  assert.fail("expected the config to be rejected");
}
