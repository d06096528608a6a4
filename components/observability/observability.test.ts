/**
 * The observability part as the program renders it under Pulumi's mocks: the chain exporter
 * follows the validator and is scraped, Loki and the log collector exist exactly when logs are on,
 * and Grafana's datasources and log panels follow them.
 */
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { runProgram, k, type ProgramRun, type Registered } from "../../test/support/mock-program";
import { podSpec } from "../../test/support/rendered-objects";

const daemonSet = "kubernetes:apps/v1:DaemonSet";
const only = (r: Registered) => {
  const containers = podSpec(r).containers;
  assert.equal(containers.length, 1, `${r.inputs.metadata.name}: one container`);
  return containers[0];
};
const names = (run: ProgramRun, type: string) => run.ofType(type).map((r) => r.inputs.metadata.name as string);
const datasources = (run: ProgramRun) =>
  parse(run.named(k.configMap, "grafana-datasources").inputs.data["datasources.yaml"]).datasources as { type: string; uid: string; url: string }[];
const logPanels = (run: ProgramRun) =>
  Object.values<string>(run.named(k.configMap, "grafana-dashboards").inputs.data)
    .flatMap((text) => (JSON.parse(text) as { panels: { type: string }[] }).panels)
    .filter((p) => p.type === "logs").length;

describe("observability: chain exporter, Loki and the log collector (default stack)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram();
  });
  const ns = "relayminer-localnet";

  test("the chain exporter reads the validator's RPC and REST once per block and names accounts from the genesis keys", () => {
    const exporter = run.named(k.deployment, "chain-exporter");
    const c = only(exporter);
    assert.equal(c.image, "relayminer-localnet/chain-exporter:dev");
    assert.deepEqual(c.args, [
      "node",
      "dist/main.js",
      `--rpc=http://validator.${ns}.svc.cluster.local:26657`,
      `--rest=http://validator.${ns}.svc.cluster.local:1317`,
      "--port=9097",
      "--interval=2",
      "--accounts=/etc/chain-exporter/keys.json",
    ]);
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: 9097 });
    assert.equal(podSpec(exporter).securityContext.runAsNonRoot, true);
    // The accounts file names every supplier of the genesis the validator runs (rewards show by name).
    const keys = JSON.parse(run.named(k.configMap, "chain-exporter-accounts").inputs.data["keys.json"]) as { accounts: { name: string; address: string }[] };
    const genesis = JSON.parse(run.named(k.configMap, "validator-genesis").inputs.data["genesis.json"]);
    const suppliers = (genesis.app_state.supplier.supplierList as { operator_address: string }[]).map((s) => s.operator_address);
    assert.ok(suppliers.length > 0);
    const named = new Set(keys.accounts.map((a) => a.address));
    for (const s of suppliers) assert.ok(named.has(s), `supplier ${s} has a name in the accounts file`);
    assert.deepEqual(
      run.named(k.service, "chain-exporter").inputs.spec.ports.map((p: { port: number }) => p.port),
      [9097],
    );
  });

  test("Prometheus scrapes the chain exporter through its Service", () => {
    const prom = parse(run.named(k.configMap, "prometheus-config").inputs.data["prometheus.yml"]);
    const targets = prom.scrape_configs.flatMap((j: { static_configs?: { targets: string[] }[] }) => (j.static_configs ?? []).flatMap((s) => s.targets));
    assert.ok(targets.includes(`chain-exporter.${ns}.svc.cluster.local:9097`), targets.join(", "));
  });

  test("Loki: one pod on :3100, its config keeps lines for observability.logs.retentionHours (24 h)", () => {
    const loki = run.named(k.deployment, "loki");
    const c = only(loki);
    assert.equal(c.image, "grafana/loki:3.7.8");
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: 3100 });
    const config = parse(run.named(k.configMap, "loki-config").inputs.data["loki.yaml"]);
    assert.equal(config.limits_config.retention_period, "24h");
    assert.equal(config.analytics.reporting_enabled, false);
    assert.equal(config.server.http_listen_port, 3100);
    assert.equal(podSpec(loki).securityContext.runAsNonRoot, true);
  });

  test("the log collector: a DaemonSet reading only the node's pod logs, read-only, sending to Loki's OTLP endpoint", () => {
    assert.deepEqual(names(run, daemonSet), ["log-collector"]);
    const collector = run.named(daemonSet, "log-collector");
    const c = only(collector);
    assert.equal(c.image, "otel/opentelemetry-collector-k8s:0.165.0");
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    const logsMount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/var/log/pods");
    assert.equal(logsMount?.readOnly, true);
    assert.deepEqual(podSpec(collector).volumes.find((v: { name: string }) => v.name === logsMount.name).hostPath, { path: "/var/log/pods", type: "Directory" });
    const config = parse(run.named(k.configMap, "log-collector-config").inputs.data["config.yaml"]);
    assert.deepEqual(config.receivers.filelog.include, [`/var/log/pods/${ns}_*/*/*.log`]);
    assert.equal(config.exporters.otlphttp.endpoint, `http://loki.${ns}.svc.cluster.local:3100/otlp`);
  });

  test("Grafana gets both datasources and the log panels; the outputs carry Loki and the exporter", () => {
    assert.deepEqual(
      datasources(run).map((d) => [d.type, d.uid, d.url]),
      [
        ["prometheus", "localnet-prometheus", `http://prometheus.${ns}.svc.cluster.local:9090`],
        ["loki", "localnet-loki", `http://loki.${ns}.svc.cluster.local:3100`],
      ],
    );
    assert.ok(logPanels(run) > 0, "log panels are provisioned");
    assert.equal(run.outputs.urls.loki, "http://127.0.0.1:3100");
    assert.equal(run.outputs.urls.chainExporter, "http://127.0.0.1:9097");
    const forwarded = run.outputs.forwards.map((f: { resource: string }) => f.resource);
    assert.ok(forwarded.includes("svc/loki") && forwarded.includes("svc/chain-exporter"), forwarded.join(", "));
  });
});

describe("observability variants", () => {
  test("observability.logs.enabled=false: no Loki, no collector, no Loki datasource or log panel; the exporter stays", async () => {
    const run = await runProgram({ "observability.logs.enabled": "false" });
    assert.ok(!names(run, k.deployment).includes("loki"));
    assert.deepEqual(names(run, daemonSet), []);
    assert.ok(!names(run, k.configMap).includes("loki-config") && !names(run, k.configMap).includes("log-collector-config"));
    assert.deepEqual(
      datasources(run).map((d) => d.type),
      ["prometheus"],
    );
    assert.equal(logPanels(run), 0);
    assert.equal(run.outputs.urls.loki, undefined);
    assert.ok(names(run, k.deployment).includes("chain-exporter"));
  });

  test("observability.logs.retentionHours and the block time reach Loki and the exporter", async () => {
    const run = await runProgram({ "observability.logs.retentionHours": "72", "validator.blockTimeSeconds": "5" });
    assert.equal(parse(run.named(k.configMap, "loki-config").inputs.data["loki.yaml"]).limits_config.retention_period, "72h");
    assert.ok(only(run.named(k.deployment, "chain-exporter")).args.includes("--interval=5"));
  });

  test("observability.enabled=false: no chain exporter, Loki or collector, and their URLs are absent", async () => {
    const run = await runProgram({ "observability.enabled": "false" });
    const deployments = names(run, k.deployment);
    assert.ok(!deployments.includes("chain-exporter") && !deployments.includes("loki"), deployments.join(", "));
    assert.deepEqual(names(run, daemonSet), []);
    assert.equal(run.outputs.urls.chainExporter, undefined);
    assert.equal(run.outputs.urls.loki, undefined);
  });

  test("a bad retention is refused naming the key and what is allowed", async () => {
    await assert.rejects(
      () => runProgram({ "observability.logs.retentionHours": "0" }),
      (e: Error) => /observability\.logs\.retentionHours/.test(e.message) && /0/.test(e.message) && /1/.test(e.message) && /720/.test(e.message),
    );
  });
});
