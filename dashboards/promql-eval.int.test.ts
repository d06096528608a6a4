/**
 * Every PromQL expression of every dashboard, after Grafana's variable substitution, parses and
 * evaluates on a real Prometheus (Debian's build, started here on 127.0.0.1 with an empty TSDB).
 * Its query API answers 400 `bad_data` for anything it cannot parse.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dashboardModels } from "./index";
import { queriesOf, substituteVariables } from "./lib/queries";
import { startPrometheus, type RunningPrometheus } from "../test/support/prometheus";

describe("dashboard PromQL on a real Prometheus", () => {
  let prom: RunningPrometheus;
  before(async () => {
    // No scrape jobs: an empty TSDB still parses and evaluates every expression.
    prom = await startPrometheus("global:\n  scrape_interval: 1s\nscrape_configs: []\n");
  });
  after(async () => {
    await prom?.stop();
  });

  it("rejects a malformed expression (the check below can fail)", async () => {
    const r = await prom.query("sum by (le (rate(x[1m]))");
    assert.equal(r.status, "error");
    assert.equal(r.errorType, "bad_data");
  });

  for (const [key, model] of Object.entries(dashboardModels())) {
    it(`every expression of ${key} parses and evaluates`, async () => {
      const failures: string[] = [];
      const queries = queriesOf(model, "prometheus");
      assert.ok(queries.length > 0);
      for (const q of queries) {
        const expr = substituteVariables(q.expr);
        const r = await prom.query(expr);
        if (r.status !== "success") failures.push(`${q.panel}: ${expr}\n  -> ${r.errorType}: ${r.error}`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
