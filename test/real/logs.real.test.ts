/**
 * Logs end to end with the real programs, on loopback: Loki (its localnet config) and the log
 * collector (its localnet config), reading a pod log directory laid out as the kubelet lays it out
 * (`<namespace>_<pod>_<uid>/<container>/0.log`, the runtime's CRI line format). Every log panel's
 * LogQL, with its variables at "All" and at one replica, runs against Loki's query API: each
 * returns the lines of exactly the pods it is for, and another namespace's pods never arrive.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { collectorConfig } from "../../components/observability/log-collector";
import { lokiConfigYaml } from "../../components/observability/loki";
import { dashboardSpecs } from "../../dashboards";
import { builtProgram } from "../../tools/images/sources";
import { freePorts, httpGet, Scratch, waitFor, type Proc } from "./support";

const ns = "relayminer-localnet";
/** Pods and containers as the localnet names them, and one pod of another namespace. */
const pods = [
  { ns, pod: "relayer-0", container: "relayer" },
  { ns, pod: "relayer-1", container: "relayer" },
  { ns, pod: "miner-0", container: "miner" },
  { ns, pod: "miner-1", container: "miner" },
  { ns, pod: "backend-7d9f8b6c4-x2x9k", container: "backend" },
  { ns, pod: "redis-0", container: "redis" },
  { ns, pod: "validator-5c6d7f8b9-abcde", container: "pocketd" },
  { ns: "kube-system", pod: "coredns-0", container: "coredns" },
];

/** CRI lines: `<RFC3339Nano> <stream> F <message>`. */
const cri = (message: string, stream = "stdout") => `${new Date().toISOString().replace("Z", "000000Z")} ${stream} F ${message}\n`;

interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

describe("logs: the collector reads the pods' log files and Loki answers every log panel", () => {
  const scratch = new Scratch();
  let lokiUrl = "";
  let loki: Proc;
  let collector: Proc;
  let logsDir = "";

  before(async () => {
    const dir = scratch.dir("logs");
    logsDir = join(dir, "pods");
    for (const p of pods) {
      const d = join(logsDir, `${p.ns}_${p.pod}_0f0e0d0c-${p.pod.length}`, p.container);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "0.log"), cri(`starting ${p.pod}`) + cri(`{"level":"error","message":"boom in ${p.pod}"}`, "stderr") + cri(`level=info msg="steady ${p.pod}"`));
    }
    const [http, grpc, health, metrics] = (await freePorts(4)) as [number, number, number, number];
    writeFileSync(join(dir, "loki.yaml"), lokiConfigYaml({ retentionHours: 24, dataDir: join(dir, "loki") }));
    loki = scratch.start(
      "loki",
      builtProgram("loki"),
      [
        `-config.file=${join(dir, "loki.yaml")}`,
        `-server.http-listen-address=127.0.0.1`,
        `-server.http-listen-port=${http}`,
        `-server.grpc-listen-address=127.0.0.1`,
        `-server.grpc-listen-port=${grpc}`,
      ],
      { logFile: join(dir, "loki.log") },
    );
    lokiUrl = `http://127.0.0.1:${http}`;
    await waitFor("loki /ready", async () => ((await httpGet(`${lokiUrl}/ready`))?.status === 200 ? true : undefined), 120_000, 500, loki);

    const c = collectorConfig({ namespace: ns, lokiOtlpUrl: `${lokiUrl}/otlp`, podLogsDir: logsDir, memoryLimitMib: 100 }) as any;
    c.extensions.health_check.endpoint = `127.0.0.1:${health}`;
    c.service.telemetry.metrics.readers[0].pull.exporter.prometheus = { host: "127.0.0.1", port: metrics };
    writeFileSync(join(dir, "collector.yaml"), stringify(c));
    collector = scratch.start("collector", builtProgram("otelcol-k8s"), ["--config", join(dir, "collector.yaml")], { logFile: join(dir, "collector.log") });
    await waitFor("collector health", async () => ((await httpGet(`http://127.0.0.1:${health}/`))?.status === 200 ? true : undefined), 60_000, 500, collector);
  });
  after(() => scratch.cleanup());

  async function query(expr: string): Promise<LokiStream[]> {
    const u = new URL(`${lokiUrl}/loki/api/v1/query_range`);
    u.searchParams.set("query", expr);
    u.searchParams.set("start", String((Date.now() - 3_600_000) * 1e6));
    u.searchParams.set("end", String((Date.now() + 60_000) * 1e6));
    u.searchParams.set("limit", "1000");
    const r = await fetch(u);
    const body = (await r.json()) as { status: string; data?: { result?: LokiStream[] }; error?: string };
    assert.equal(r.status, 200, `${expr}: ${JSON.stringify(body)}`);
    return body.data?.result ?? [];
  }

  const podsIn = (streams: LokiStream[]) => [...new Set(streams.map((s) => s.stream.k8s_pod_name))].sort();

  test("every line of the namespace's pods arrives, labelled by pod, container and namespace; other namespaces stay out", async () => {
    const streams = await waitFor(
      "all of the namespace's lines in Loki",
      async () => {
        const s = await query(`{k8s_namespace_name="${ns}"}`);
        return s.reduce((n, x) => n + x.values.length, 0) >= 3 * (pods.length - 1) ? s : undefined;
      },
      90_000,
      1000,
      collector,
    );
    assert.deepEqual(
      podsIn(streams),
      pods
        .filter((p) => p.ns === ns)
        .map((p) => p.pod)
        .sort(),
    );
    const relayer0 = streams.filter((s) => s.stream.k8s_pod_name === "relayer-0");
    assert.ok(relayer0.every((s) => s.stream.k8s_container_name === "relayer"));
    const lines = relayer0.flatMap((s) => s.values.map(([, line]) => line));
    assert.ok(lines.includes("starting relayer-0"), `the runtime's prefix is taken off each line: ${JSON.stringify(lines)}`);
    assert.deepEqual(await query(`{k8s_namespace_name="kube-system"}`), []);
  });

  test("lines written later arrive too (the collector follows the files)", async () => {
    const f = join(logsDir, `${ns}_miner-0_0f0e0d0c-7`, "miner", "0.log");
    appendFileSync(f, cri("a later line of miner-0"));
    await waitFor("the later line", async () => ((await query('{k8s_pod_name="miner-0"} |= "a later line"')).length > 0 ? true : undefined), 60_000, 1000, collector);
  });

  test("each log panel returns the lines of its own pods; the replica variable narrows them", async () => {
    const expected: Record<string, string[]> = {
      relayer: ["relayer-0", "relayer-1"],
      miner: ["miner-0", "miner-1"],
      backend: ["backend-7d9f8b6c4-x2x9k"],
      redis: ["redis-0"],
    };
    const panels = Object.values(dashboardSpecs()).flatMap((d) => d.sections.flatMap((s) => s.panels.filter((p) => p.type === "logs").map((p) => ({ dashboard: d.uid, p }))));
    assert.ok(panels.length >= 8, `${panels.length} log panels`);
    for (const { dashboard, p } of panels) {
      const expr = p.targets[0].expr.replace(/\$\{[a-z_]+:pipe\}/g, ".*");
      const streams = await query(expr);
      const got = podsIn(streams);
      assert.ok(got.length > 0, `${dashboard} / ${p.title}: no lines for ${expr}`);
      const role = Object.keys(expected).find((r) => dashboard.endsWith(r) || (dashboard.endsWith("redis") && r === "redis"));
      if (role && dashboard !== "localnet-overview") assert.deepEqual(got, expected[role], `${dashboard} / ${p.title}`);
      if (/Warnings and errors/.test(p.title))
        assert.ok(
          streams.every((s) => s.values.every(([, l]) => /error/.test(l))),
          `${p.title}: only problem lines`,
        );
    }
    const one = panels.find(({ dashboard, p }) => dashboard === "localnet-relayer" && p.title.startsWith("All lines"))!;
    assert.deepEqual(podsIn(await query(one.p.targets[0].expr.replace("${replica:pipe}", "1"))), ["relayer-1"]);
    assert.deepEqual(podsIn(await query(one.p.targets[0].expr.replace("${replica:pipe}", "0|1"))), ["relayer-0", "relayer-1"]);
  });
});
