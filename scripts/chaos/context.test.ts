import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { renderMinerConfig } from "../../components/relayminer-config";
import { minerHaTimings, relayMinerDefaults } from "../../components/timing/failover";
import { boundsOf, slackMs, timingsOf } from "./context";

const rendered = (redisUrl: string, blockTimeSeconds: number) => renderMinerConfig({
  redisUrl, keyPrefix: "ha", node: { rpc: "http://v:26657", grpc: "v:9090" }, chainId: "pocket", blockTimeSeconds, knownApplications: [], logLevel: "info", overrides: {},
});

describe("chaos bounds follow the miner config that runs", () => {
  test("the rendered config's timings, block time and Redis mode are read back", () => {
    const t = timingsOf(rendered("redis-cluster://redis-0:6379,redis-1:6379", 6));
    assert.deepEqual(t, { timings: minerHaTimings(6), blockTimeSeconds: 6, mode: "cluster" });
    assert.equal(timingsOf(rendered("redis://redis:6379", 2)).mode, "standalone");
  });

  test("a config without the blocks means the relay-miner's defaults (and its 30 s block time)", () => {
    assert.deepEqual(timingsOf("redis:\n  url: redis://r:6379\n"), { timings: relayMinerDefaults, blockTimeSeconds: 30, mode: "standalone" });
  });

  test("bounds: worst-case take-over plus slack", () => {
    const b = boundsOf(minerHaTimings(2), 2);
    assert.equal(b.leaderMs, 6_000 + slackMs);
    assert.equal(b.leasesMs, 20_000 + slackMs);
    assert.equal(b.blocksMs, 10_000 + slackMs);
  });
});
