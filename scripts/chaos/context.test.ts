import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { minerHaTimings, relayMinerDefaults } from "../../components/timing/failover";
import { boundsOf, slackMs, timingsOf } from "./context";

/** The blocks of a miner config.yaml as the stack renders them (components/relay-miner). */
const rendered = (redisUrl: string, blockTimeSeconds: number) => {
  const t = minerHaTimings(blockTimeSeconds);
  return stringify({
    redis: { url: redisUrl, namespace: { base_prefix: "ha" } },
    block_time_seconds: blockTimeSeconds,
    leader_election: { leader_ttl_seconds: t.leaderTtlSeconds, heartbeat_rate_seconds: t.heartbeatRateSeconds },
    supplier_claiming: { claim_ttl_seconds: t.claimTtlSeconds, renew_rate_seconds: t.renewRateSeconds, rebalance_interval_seconds: t.rebalanceIntervalSeconds },
  });
};

describe("chaos bounds follow the miner config that runs", () => {
  test("the config's timings, block time and Redis mode are read back", () => {
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
