/**
 * Dashboards against what a live localnet exports: the metrics recorded by a real run
 * (testdata/metrics, README.md there). A panel whose queries cannot return data from those series
 * fails unless it carries a reason to be empty (`mayBeEmpty`, shown in its description); so does
 * a variable with nothing to offer. The catalogue is held to the same recording: every recorded
 * series' labels are ones its catalogue entry declares (plus the scrape job's), and every recorded
 * type is the catalogue's.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { dashboardSpecs } from "./index";
import { canHaveData, type Selector } from "./lib/promql-analysis";
import { loadRecorded, parseRecorded, recordedMetricsDir, selectorMatches } from "./lib/recorded-metrics";
import { labelsAfterScrape, resolveSeries } from "./metrics-catalogue";
import { scrapeJobs } from "./scrape-jobs";

const recorded = loadRecorded();
const all = [...recorded.values()].flat();
const hasSeries = (s: Selector) => selectorMatches(s, all);

describe("dashboards against the recorded metrics of a live run", () => {
  it("holds a recording for every scrape job", () => {
    assert.deepEqual([...recorded.keys()].sort(), Object.values(scrapeJobs).sort());
    for (const [job, series] of recorded) assert.ok(series.length > 0 && series.every((s) => s.labels.job === job), job);
  });

  it("every panel without a reason to be empty can show data from the recorded series", () => {
    const gaps: string[] = [];
    for (const spec of Object.values(dashboardSpecs())) {
      for (const p of spec.sections.flatMap((s) => s.panels)) {
        if (p.datasource.type !== "prometheus" || p.mayBeEmpty) continue;
        if (!p.targets.some((t) => canHaveData(t.expr, hasSeries))) gaps.push(`${spec.uid} / ${p.title}: ${p.targets.map((t) => t.expr).join(" ; ")}`);
      }
      for (const v of spec.variables) {
        if (!canHaveData(v.selector, hasSeries)) gaps.push(`${spec.uid} / variable $${v.name}: ${v.selector}`);
      }
    }
    assert.deepEqual(gaps, []);
  });

  it("the check can fail: a never-written series, a label value never seen, a variable-filtered miss", () => {
    assert.equal(canHaveData("sum(rate(ha_miner_consumer_lag[5m]))", hasSeries), false);
    assert.equal(canHaveData('sum(ha_relayer_relays_served_total{status_code="599"})', hasSeries), false);
    assert.equal(canHaveData('sum(ha_relayer_relays_served_total{service_id=~"$service_id", job="miners"})', hasSeries), false);
    assert.equal(canHaveData("(sum(ha_miner_consumer_lag)) or vector(0)", hasSeries), true, "or vector(0) always shows a value");
    assert.equal(canHaveData("sum(ha_relayer_relays_served_total) / sum(ha_miner_consumer_lag)", hasSeries), false, "a ratio needs both sides");
    assert.equal(canHaveData('sum by (pod) (ha_relayer_relays_served_total{pod=~"$replica"})', hasSeries), true);
  });

  it("every recorded series carries only labels its catalogue entry and scrape job declare", () => {
    const problems: string[] = [];
    for (const s of all) {
      const r = resolveSeries(s.name);
      if (!r) continue; // exporters' own extras (go_*, process_*) the dashboards do not read
      const known = labelsAfterScrape(r);
      for (const l of Object.keys(s.labels)) if (!known.has(l)) problems.push(`${s.name}: label ${l} (catalogue: ${[...known].join(", ")})`);
    }
    assert.deepEqual([...new Set(problems)], []);
  });

  it("every recorded metric type is the catalogue's", () => {
    const types: Record<string, string> = JSON.parse(readFileSync(join(recordedMetricsDir, "metadata.json"), "utf8"));
    const problems: string[] = [];
    for (const [name, type] of Object.entries(types)) {
      const r = resolveSeries(name);
      if (r && r.suffix === "" && type !== "unknown" && r.info.type !== type) problems.push(`${name}: recorded ${type}, catalogue ${r.info.type}`);
    }
    assert.deepEqual(problems, []);
  });

  it("parses the recording format, escapes included", () => {
    assert.deepEqual(parseRecorded('# header\nx_total{a="q\\"uote",job="j"} 3\ny 1\n'), [
      { name: "x_total", labels: { a: 'q"uote', job: "j" } },
      { name: "y", labels: {} },
    ]);
    assert.throws(() => parseRecorded("not a line"), /not a series line/);
  });
});
