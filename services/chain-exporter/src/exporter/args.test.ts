import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "./args";

const base = ["--rpc", "http://validator:26657", "--rest", "http://validator:1317/"];

describe("exporter settings", () => {
  test("defaults, flags over the environment, --x=value", () => {
    const a = parseArgs([...base, "--interval=0.5"], { LISTEN_PORT: "9100", POLL_INTERVAL_SECONDS: "9" })!;
    assert.deepEqual(a, {
      rpcUrl: "http://validator:26657",
      restUrl: "http://validator:1317",
      host: "0.0.0.0",
      port: 9100,
      intervalSeconds: 0.5,
      fromHeight: 1,
      maxBlocksPerTick: 200,
      accountsFile: undefined,
    });
    assert.equal(parseArgs(["--help"], {}), undefined);
    assert.equal(parseArgs([], { CHAIN_RPC_URL: "http://a:1", CHAIN_REST_URL: "https://b" })!.restUrl, "https://b");
  });

  test("each bad value names the setting, the value and what is allowed", () => {
    assert.throws(() => parseArgs([], {}), /--rpc \(CHAIN_RPC_URL\) is required: an http\(s\) URL of a CometBFT RPC/);
    assert.throws(() => parseArgs([...base, "--port", "70000"], {}), /--port \(LISTEN_PORT\) = "70000": allowed: a TCP port, 1-65535/);
    assert.throws(() => parseArgs(["--rpc", "validator:26657", "--rest", "http://x"], {}), /--rpc \(CHAIN_RPC_URL\) = "validator:26657": allowed: an http\(s\) URL/);
    assert.throws(() => parseArgs([...base, "--from-height", "0"], {}), /--from-height \(FROM_HEIGHT\) = "0"/);
    assert.throws(() => parseArgs([...base, "--interval"], {}), /--interval needs a value/);
    assert.throws(() => parseArgs([...base, "--nope", "1"], {}), /unknown argument "--nope"; allowed: --rpc/);
  });
});
