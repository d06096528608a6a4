import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { countersOf, samplesOf, servedBetween, servedKey } from "./metrics";

const relayer = (published: number, start: number, supplier = "pokt1a") => `# HELP ha_relayer_relays_published_total Relays published
# TYPE ha_relayer_relays_published_total counter
ha_relayer_relays_published_total{service_id="develop-http",supplier="${supplier}"} ${published}
ha_relayer_relays_published_total_other{service_id="develop-http"} 99
ha_relayer_relays_served_total{rpc_type="jsonrpc",service_id="develop-http",status_code="200"} 500
process_start_time_seconds ${start}
`;

describe("relayer counters from a Prometheus exposition", () => {
  test("samples of one metric only, with labels (escaped quotes included)", () => {
    assert.deepEqual(samplesOf('m{a="x\\"y",b="z"} 3\nm_total 4\nm 5e0\n# m 6', "m"), [
      { labels: { a: 'x"y', b: "z" }, value: 3 },
      { labels: {}, value: 5 },
    ]);
  });

  test("published relays are summed over relayers; the oldest start counts", () => {
    const c = countersOf([relayer(120, 1796166000.5), relayer(80, 1796165000)]);
    assert.equal(c.served.get(servedKey("develop-http", "pokt1a")), 200);
    assert.equal(c.oldestStartMs, 1796165000_000);
    assert.equal(c.relayers, 2);
  });

  test("a delta; a counter that went down (relayer restarted) counts from zero", () => {
    const before = new Map([
      ["a|x", 100],
      ["b|y", 50],
    ]);
    const after = new Map([
      ["a|x", 300],
      ["b|y", 7],
      ["c|z", 4],
    ]);
    assert.deepEqual(
      [...servedBetween(before, after)],
      [
        ["a|x", 200],
        ["b|y", 7],
        ["c|z", 4],
      ],
    );
  });
});
