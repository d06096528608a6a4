import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "./args";
import { usageErrorOf } from "../../test/support/usage-error";

const fails = (argv: string[]) => usageErrorOf(() => parseArgs(argv));

describe("chaos arguments", () => {
  test("each action with its argument", () => {
    assert.equal(parseArgs(["kill-leader"]).action, "kill-leader");
    assert.equal(parseArgs(["kill-miner", "1"]).index, 1);
    assert.equal(parseArgs(["kill-relayer"]).index, undefined);
    assert.equal(parseArgs(["pause-redis", "10", "--json"]).seconds, 10);
    assert.deepEqual(parseArgs(["restart-validator", "--stack=dev", "--context", "kind-x"]).forwards, { kind: "stack", stack: "dev" });
  });

  test("mistakes name what is allowed", () => {
    assert.match(fails([]), /^which action\? allowed: kill-leader, kill-miner/);
    assert.match(fails(["kill-everything"]), /^unknown action "kill-everything"; allowed:/);
    assert.equal(fails(["pause-redis"]), 'pause-redis seconds "": must be a whole number from 1 to 600');
    assert.equal(fails(["pause-redis", "601"]), 'pause-redis seconds "601": must be a whole number from 1 to 600');
    assert.equal(fails(["kill-leader", "2"]), 'kill-leader takes no argument (got "2")');
    assert.match(fails(["kill-miner", "--force"]), /^unknown flag "--force"/);
  });
});
