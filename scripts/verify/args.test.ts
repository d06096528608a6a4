import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "./args";
import { usageErrorOf } from "../../test/support/usage-error";

const fails = (argv: string[]) => usageErrorOf(() => parseArgs(argv));

describe("verify arguments", () => {
  test("defaults: the local stack's forwards, no relays sent, 900 s to settle", () => {
    assert.deepEqual(parseArgs([]), {
      json: false,
      help: false,
      forwards: { kind: "stack", stack: "local" },
      send: 0,
      service: "develop-http",
      mode: "jsonrpc",
      timeoutSeconds: 900,
    });
  });

  test("--send, --service, --mode, --forwards-file, --timeout, --json, = forms", () => {
    const a = parseArgs(["--send=200", "--service", "develop-grpc", "--mode", "grpc", "--forwards-file", "f.json", "--timeout", "60", "--json"]);
    assert.deepEqual([a.send, a.service, a.mode, a.forwards, a.timeoutSeconds, a.json], [200, "develop-grpc", "grpc", { kind: "file", path: "f.json" }, 60, true]);
  });

  test("bad values name the flag, the value and what is allowed", () => {
    assert.equal(fails(["--send", "0"]), '--send "0": must be a whole number from 1 to 100000');
    assert.equal(fails(["--mode", "http"]), '--mode "http": allowed: jsonrpc, websocket, stream, grpc, cometbft');
    assert.equal(fails(["--timeout"]), "--timeout needs a value");
    assert.match(fails(["--fast"]), /^unknown argument "--fast"; allowed: --send/);
    assert.match(fails(["--service", "a b"]), /^--service "a b": not a service id/);
  });
});
