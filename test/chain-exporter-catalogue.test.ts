/**
 * The dashboards' catalogue of the chain exporter's metrics (dashboards/catalogue/chain-exporter.ts)
 * is the exporter's registry: same names, types and labels. dashboards/ cannot import the
 * exporter (and the exporter nothing of the localnet), so this test holds them together.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chainExporterMetrics } from "../dashboards/catalogue/chain-exporter";
import { ChainMetrics } from "../services/chain-exporter/src/exporter/chain-metrics";

describe("chain exporter metrics in the dashboards' catalogue", () => {
  test("every family the exporter registers is in the catalogue with its type and labels, and nothing else is", () => {
    const rendered = new ChainMetrics().registry.render();
    const families = [...rendered.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual([...families].sort(), Object.keys(chainExporterMetrics).sort());
    const m = new ChainMetrics();
    for (const f of Object.values(m).filter((x): x is { name: string; type: string; labelNames: readonly string[] } => typeof x === "object" && x !== null && "labelNames" in x)) {
      const entry = chainExporterMetrics[f.name];
      assert.ok(entry, f.name);
      assert.equal(entry.type, f.type, f.name);
      assert.deepEqual([...entry.labels].sort(), [...f.labelNames].sort(), f.name);
    }
  });
});
