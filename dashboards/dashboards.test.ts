/**
 * Dashboards as data: the checked-in JSON is what the code generates, every metric a panel reads
 * exists in the catalogue, every label it names is attached by the exporter or the scrape job,
 * rate() only reads counters, and histogram_quantile() groups by `le`.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { dashboardFiles, dashboardList, dashboardModels, dashboardSpecs, dashboardUrl, grafanaProvisioning, prometheusDatasourceUid } from "./index";
import { lokiDatasourceUid } from "./lib/datasource";
import { analyze, requiresCounter } from "./lib/promql-analysis";
import { queriesOf } from "./lib/queries";
import { isMonotonic, labelsAfterScrape, resolveSeries } from "./metrics-catalogue";

const generatedDir = join(__dirname, "generated");
/** PromQL only: log panels' LogQL is checked against a real Loki (test/real/logs.real.test.ts). */
const allQueries = Object.values(dashboardModels()).flatMap((m) => queriesOf(m, "prometheus"));
const where = (q: { dashboard: string; panel: string; expr: string }) => `${q.dashboard} / ${q.panel}: ${q.expr}`;

describe("generated dashboards", () => {
  it("checked-in dashboards/generated/*.json equal the generated output (run npm run dashboards:build)", () => {
    const files = dashboardFiles();
    assert.deepEqual(
      readdirSync(generatedDir)
        .filter((f) => f.endsWith(".json"))
        .sort(),
      Object.keys(files).sort(),
    );
    for (const [name, text] of Object.entries(files)) assert.equal(readFileSync(join(generatedDir, name), "utf8"), text, `${name} is stale`);
  });

  it("lists six dashboards with unique uids, titles and files", () => {
    assert.deepEqual(
      dashboardList.map((d) => d.uid),
      ["localnet-overview", "localnet-relayer", "localnet-miner", "localnet-redis", "localnet-backend", "localnet-path"],
    );
    for (const key of ["uid", "title", "file"] as const) assert.equal(new Set(dashboardList.map((d) => d[key])).size, dashboardList.length);
  });

  it("gives every panel a unique id, a datasource with the provisioned uid (Loki for log panels), and a place on the grid", () => {
    for (const model of Object.values(dashboardModels())) {
      const panels = model.panels as Array<{
        id: number;
        type: string;
        gridPos: { x: number; w: number };
        datasource?: { uid: string };
        targets?: Array<{ datasource: { uid: string } }>;
      }>;
      assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
      for (const p of panels) {
        assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${String(model.uid)} panel ${p.id} overflows the grid`);
        if (p.type === "row") continue;
        const uid = p.type === "logs" ? lokiDatasourceUid : prometheusDatasourceUid;
        assert.equal(p.datasource?.uid, uid);
        for (const t of p.targets ?? []) assert.equal(t.datasource.uid, uid);
      }
    }
  });

  it("a reason to be empty is shown in the panel's description", () => {
    const specs = Object.values(dashboardSpecs()).flatMap((d) => d.sections.flatMap((s) => s.panels));
    const explained = specs.filter((p) => p.mayBeEmpty);
    assert.ok(explained.length > 0);
    for (const p of explained) assert.ok(p.description?.endsWith(`May be empty: ${p.mayBeEmpty}`), p.title);
    const json = JSON.stringify(dashboardModels());
    assert.ok(!json.includes('"mayBeEmpty"'), "the typed field stays out of Grafana's JSON");
  });

  it("has template variables for service_id, supplier and replica where they apply", () => {
    const vars = Object.fromEntries(Object.entries(dashboardModels()).map(([k, m]) => [k, ((m.templating as { list: Array<{ name: string }> }).list ?? []).map((v) => v.name)]));
    assert.deepEqual(vars.relayer, ["service_id", "replica"]);
    assert.deepEqual(vars.miner, ["supplier", "service_id", "replica"]);
    assert.deepEqual(vars.redis, ["node"]);
    assert.deepEqual(vars.backend, ["protocol", "instance"]);
    assert.deepEqual(vars.path, ["service_id", "supplier"]);
  });
});

describe("metric names and labels", () => {
  it("every metric a panel or variable reads exists in the catalogue", () => {
    const unknown = allQueries.flatMap((q) =>
      analyze(q.expr)
        .metrics.filter((m) => !resolveSeries(m))
        .map((m) => `${m} in ${where(q)}`),
    );
    assert.deepEqual(unknown, []);
  });

  it("every label a query names is attached by the exporter or by the scrape job", () => {
    const problems: string[] = [];
    for (const q of allQueries) {
      const facts = analyze(q.expr);
      const known = new Set(facts.metrics.flatMap((m) => [...labelsAfterScrape(resolveSeries(m)!)]));
      for (const l of facts.labels) if (!known.has(l)) problems.push(`label ${l} in ${where(q)}`);
    }
    assert.deepEqual(problems, []);
  });

  it("rate(), irate() and increase() only read counters (or histogram buckets/sums/counts)", () => {
    const bad = allQueries.flatMap((q) =>
      analyze(q.expr)
        .rateCalls.filter((c) => requiresCounter(c.fn) && !isMonotonic(resolveSeries(c.metric)!))
        .map((c) => `${c.fn}(${c.metric}) in ${where(q)}`),
    );
    assert.deepEqual(bad, []);
  });

  it("histogram_quantile() reads _bucket series summed by le", () => {
    for (const q of allQueries.filter((x) => x.expr.includes("histogram_quantile("))) {
      const facts = analyze(q.expr);
      assert.ok(
        facts.metrics.every((m) => m.endsWith("_bucket")),
        where(q),
      );
      assert.ok(facts.quantileGroupings.length > 0 && facts.quantileGroupings.every((g) => g.includes("le")), where(q));
    }
  });

  it("the scanner tells metrics, labels and functions apart", () => {
    const f = analyze('histogram_quantile(0.95, sum by (le, service_id) (rate(a_bucket{service_id=~"$x", pod!="p"}[$__rate_interval]))) / on(pod) b or vector(0)');
    assert.deepEqual(f.metrics, ["a_bucket", "b"]);
    assert.deepEqual(f.labels.sort(), ["le", "pod", "service_id"]);
    assert.deepEqual(f.rateCalls, [{ fn: "rate", metric: "a_bucket" }]);
    assert.deepEqual(f.quantileGroupings, [["le", "service_id"]]);
  });

  it("renames an exporter label that clashes with a target label to exported_<label>", () => {
    const labels = labelsAfterScrape(resolveSeries("ha_miner_leader_status")!);
    assert.ok(labels.has("exported_instance") && labels.has("instance") && labels.has("pod"));
    assert.ok(labelsAfterScrape(resolveSeries("ha_relayer_relay_latency_seconds_bucket")!).has("le"));
  });
});

describe("grafana provisioning and links", () => {
  it("provisions the Prometheus datasource with the fixed uid and the scrape interval", () => {
    const { datasourcesYaml } = grafanaProvisioning({ prometheusUrl: "http://prometheus:9090", scrapeIntervalSeconds: 2 });
    const ds = parse(datasourcesYaml).datasources[0];
    assert.equal(ds.uid, prometheusDatasourceUid);
    assert.equal(ds.url, "http://prometheus:9090");
    assert.equal(ds.type, "prometheus");
    assert.equal(ds.jsonData.timeInterval, "2s");
  });

  it("loads dashboards read-only from files", () => {
    const p = parse(grafanaProvisioning({ prometheusUrl: "http://p:9090" }).dashboardProviderYaml).providers[0];
    assert.equal(p.allowUiUpdates, false);
    assert.equal(p.disableDeletion, true);
    assert.equal(p.type, "file");
    assert.equal(p.options.path, "/var/lib/grafana/dashboards");
  });

  it("builds dashboard URLs", () => {
    assert.equal(dashboardUrl("http://127.0.0.1:3000/", "localnet-overview"), "http://127.0.0.1:3000/d/localnet-overview");
    assert.equal(dashboardUrl("http://127.0.0.1:3000", "localnet-redis"), "http://127.0.0.1:3000/d/localnet-redis");
  });
});
