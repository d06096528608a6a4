/**
 * The localnet's observability on a real node, as the product deploys it (Loki and the log
 * collector on, Grafana off: no registry here serves it). The collector reads the node's
 * /var/log/pods, as on kind, minikube and Docker Desktop: Loki's API returns the lines every
 * running container wrote, labelled so each log panel's query (its role's pods, its replica or node
 * variable) finds exactly the pods it is for. The in-cluster Prometheus answers every panel query
 * of the parts that run here (Redis exporter, backend, validator, chain exporter, Prometheus
 * itself) with data, after some backend traffic and an injected fault; a panel is exempt only with
 * a reason (its own "may be empty", or the part or the relays its series need are not here).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { localnetSchema } from "../../../components/config/schema";
import { podLogsDir } from "../../../components/observability/logs";
import { containerPorts } from "../../../components/topology/ports";
import { dashboardSpecs } from "../../../dashboards";
import type { Variable } from "../../../dashboards/lib/dashboard";
import { panelData, prometheusPanels, unexplainedGaps, type PanelData } from "../../support/panel-data";
import { waitFor, Scratch } from "../support";
import { NAMESPACE, redisCli, startLocalnetNode, stopLocalnetNode, workloadOf, type LocalnetNode, type PodView } from "./localnet";
import { POD_LOGS_DIR } from "./node";
import { logPanels, lokiLinesByPod, lokiQuery, panelExemption, podMatcher, podsOfStreams, problemLine, type LokiStream } from "./observability-checks";

describe("observability on a real node: Loki has the pods' lines, Prometheus every panel's data", { timeout: 30 * 60_000 }, () => {
  const scratch = new Scratch();
  let l: LocalnetNode;
  let startS = 0;
  let lokiUrl = "";
  let prometheusUrl = "";
  let scrapeIntervalSeconds = 0;
  const t0 = Date.now();

  const podOf = (workload: string): PodView => {
    const p = l.pods().find((x) => workloadOf(x) === workload && x.ready);
    assert.ok(p, `a Ready ${workload} pod`);
    return p;
  };

  before(async () => {
    l = await startLocalnetNode(scratch, { config: { "redis.commander": "false" } });
    startS = Math.floor(Date.now() / 1000);
    const up = await l.up();
    console.log(`# pulumi up: ${(up.ms / 1000).toFixed(1)} s`);
    // From the host straight to the pods on the node's bridge (no forward needed).
    lokiUrl = `http://${podOf("loki").ip}:${containerPorts.loki.http}`;
    prometheusUrl = `http://${podOf("prometheus").ip}:${containerPorts.prometheus.http}`;
    scrapeIntervalSeconds = Number(l.baseConfig["observability.scrapeIntervalSeconds"] ?? localnetSchema.parse({}).observability.scrapeIntervalSeconds);
  });

  after(async () => {
    await stopLocalnetNode(l, scratch);
    console.log(`# wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test("the kubelet writes each pod's logs under /var/log/pods, where the deployed collector's hostPath reads", () => {
    const hostPath = l.node.kubectl(["get", "daemonset", "-n", NAMESPACE, "log-collector", "-o", `jsonpath={.spec.template.spec.volumes[?(@.hostPath)].hostPath.path}`]);
    assert.equal(hostPath, POD_LOGS_DIR);
    assert.equal(podLogsDir, POD_LOGS_DIR);
    const dirs = readdirSync(POD_LOGS_DIR);
    for (const p of l.pods()) assert.ok(dirs.includes(`${NAMESPACE}_${p.name}_${p.uid}`), `${POD_LOGS_DIR}/${NAMESPACE}_${p.name}_${p.uid} (have ${dirs.join(", ")})`);
    assert.equal(podOf("log-collector").restarts, 0);
  });

  test("Loki returns the lines of every running container, labelled by namespace, pod and container", async () => {
    // Each container's first line as the kubelet has it (kubectl logs), to be found in Loki.
    const wanted: { pod: string; container: string; line: string }[] = [];
    for (const p of l.pods().filter((x) => x.phase === "Running")) {
      const containers = [...(p.raw.spec.initContainers ?? []), ...p.raw.spec.containers].map((c: { name: string }) => c.name);
      for (const c of containers) {
        const first = l.node
          .kubectl(["logs", "-n", NAMESPACE, p.name, "-c", c])
          .split("\n")
          .find((x) => x.trim() !== "");
        if (first !== undefined) wanted.push({ pod: p.name, container: c, line: first });
      }
    }
    assert.ok(wanted.length >= 6, `containers with log lines: ${wanted.map((w) => `${w.pod}/${w.container}`).join(", ")}`);
    // Each container's stream from its start (forward), so its first line is among the first returned.
    const found = async (w: (typeof wanted)[number]) =>
      (
        await lokiQuery(lokiUrl, `{k8s_namespace_name="${NAMESPACE}", k8s_pod_name="${w.pod}", k8s_container_name="${w.container}"}`, {
          startS: startS - 60,
          limit: 50,
          forward: true,
        })
      ).some((s) => s.values.some(([, line]) => line === w.line));
    let last = wanted;
    await waitFor(
      "every container's first line in Loki",
      async () => {
        const next = [];
        for (const w of last) if (!(await found(w))) next.push(w);
        last = next;
        return last.length === 0 ? true : undefined;
      },
      120_000,
      2000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}: not found: ${last.map((w) => `${w.pod}/${w.container}: ${JSON.stringify(w.line.slice(0, 120))}`).join("; ")}`);
    });
    console.log(`# first lines found in Loki for ${wanted.length} containers: ${wanted.map((w) => `${w.pod}/${w.container}`).join(", ")}`);
    const counts = await lokiLinesByPod(lokiUrl, NAMESPACE);
    console.log(
      `# Loki lines per pod:\n${Object.entries(counts)
        .map(([pod, n]) => `#   ${pod.padEnd(40)} ${n}`)
        .join("\n")}`,
    );
    for (const p of new Set(wanted.map((w) => w.pod))) assert.ok((counts[p] ?? 0) > 0, `${p} has lines in Loki`);
    // The namespace label is the collector's own reading of the file path: only ours are read.
    assert.deepEqual(await lokiQuery(lokiUrl, `{k8s_pod_name=~".+", k8s_namespace_name!="${NAMESPACE}"}`, { startS: startS - 60 }), []);
  });

  test("each log panel's query returns exactly its role's pods; a replica or node variable narrows them", async () => {
    const pods = l.pods();
    const lines: string[] = [];
    /** label_values(selector, label) as Grafana asks Prometheus for a variable's choices. */
    const variableValues = async (v: Variable): Promise<string[]> => {
      const u = new URL(`${prometheusUrl}/api/v1/label/${v.valuesOf ?? v.name}/values`);
      u.searchParams.set("match[]", v.selector);
      u.searchParams.set("start", String(startS));
      return ((await (await fetch(u)).json()) as { data: string[] }).data.sort();
    };
    const lineCount = (s: LokiStream[]) => s.reduce((n, x) => n + x.values.length, 0);
    let narrowed = 0;
    for (const p of logPanels(dashboardSpecs())) {
      const all = podMatcher(p);
      const ofRole = pods
        .filter((x) => (p.container === undefined || (x.raw.spec.containers as { name: string }[]).some((c) => c.name === p.container)) && all.matches(x.name))
        .map((x) => x.name)
        .sort();
      const streams = await lokiQuery(lokiUrl, all.expr, { startS: startS - 60 });
      const got = podsOfStreams(streams);
      if (p.problemsOnly) {
        // Warnings and errors: some of the role's pods (a healthy one may have none), and only lines that say so.
        assert.deepEqual(
          got.filter((x) => !ofRole.includes(x)),
          [],
          `${p.where}: pods outside its role`,
        );
        const other = streams.flatMap((s) => s.values.map(([, line]) => line)).filter((line) => !problemLine.test(line));
        assert.deepEqual(other, [], `${p.where}: lines that are no warning or error`);
      } else assert.deepEqual(got, ofRole, `${p.where}: ${all.expr}`);
      lines.push(`${p.where}: ${got.join(", ") || "(no pods)"} (${lineCount(streams)} lines)`);
      // Each variable at its first value, as Grafana offers it.
      for (const v of p.variables) {
        const values = await variableValues(v);
        if (values.length === 0) continue;
        const one = podMatcher(p, { [v.name]: values[0] });
        const expected = ofRole.filter(one.matches);
        const gotOne = podsOfStreams(await lokiQuery(lokiUrl, one.expr, { startS: startS - 60 }));
        if (p.problemsOnly)
          assert.deepEqual(
            gotOne.filter((x) => !expected.includes(x)),
            [],
            `${p.where} with $${v.name}=${values[0]}`,
          );
        else {
          assert.equal(expected.length, 1, `$${v.name}=${values[0]} picks one of ${ofRole.join(", ")}`);
          assert.deepEqual(gotOne, expected, `${p.where} with $${v.name}=${values[0]}`);
          narrowed++;
        }
        lines.push(`${p.where} with $${v.name}=${values[0]}: ${gotOne.join(", ") || "(no pods)"}`);
      }
    }
    console.log(`# log panels (variables at All, then at their first value):\n${lines.map((x) => `#   ${x}`).join("\n")}`);
    assert.ok(narrowed >= 1, "a variable narrowed a log panel to one pod");
    if (!l.relayMiner) console.log("# NOT VERIFIED: the relayer and miner log panels' pods (no relay-miner binary: RELAYMINER_TOOLS_BIN); here they rightly return none");
  });

  test("the in-cluster Prometheus has data for every panel of the parts that run here", async () => {
    const backend = podOf("backend");
    const rpc = `http://${backend.ip}:${containerPorts.backend.http}/`;
    const admin = `http://${backend.ip}:${containerPorts.backend.admin}`;
    const call = () =>
      fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
    // Traffic for the backend's panels, a burst it is told to fail (the fault panels), then traffic again.
    for (let i = 0; i < 20; i++) assert.equal((await call()).status, 200);
    const rule = await fetch(`${admin}/rules`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "pods-burst", method: "eth_blockNumber", first: 3, action: { type: "http_status", status: 503 } }),
    });
    assert.ok(rule.ok, `backend admin: ${rule.status} ${await rule.text()}`);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call()).status);
    assert.deepEqual(statuses, [503, 503, 503]);
    await fetch(`${admin}/rules/pods-burst`, { method: "DELETE" });
    for (let i = 0; i < 20; i++) assert.equal((await call()).status, 200);
    // A short SSE stream (3 events): the open-streams gauge gets its series.
    const sse = await fetch(`http://${backend.ip}:${containerPorts.backend.http}/stream/sse?batches=3`);
    assert.equal((await sse.text()).match(/^data: /gm)?.length, 3);
    // A key with a TTL and a read of it (the Redis board's keyspace panels; relayers and miners would write them).
    assert.equal(redisCli(l, "redis-0", ["SET", "pods-test:key", "1", "EX", "3600"]).trim(), "OK");
    assert.equal(redisCli(l, "redis-0", ["GET", "pods-test:key"]).trim(), "1");
    // rate() needs two scrapes after the traffic; the chain exporter a first read.
    await waitFor(
      "the backend's faults in Prometheus",
      async () => {
        const r = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent('sum(demo_requests_total{fault!="none"})')}`)).json()) as {
          data: { result: unknown[] };
        };
        return r.data.result.length > 0 ? true : undefined;
      },
      60_000,
      1000,
    );
    await new Promise((r) => setTimeout(r, 3 * scrapeIntervalSeconds * 1000));

    const endS = Math.ceil(Date.now() / 1000);
    const results = await panelData(prometheusUrl, prometheusPanels(), { startS, endS, scrapeIntervalSeconds });
    const rows = results.map((r) => ({ r, exempt: panelExemption(r, { relayMiner: l.relayMiner }) }));
    const boards = [...new Set(rows.map((x) => x.r.dashboard))];
    const isPanel = (x: { r: PanelData }) => !x.r.panel.startsWith("variable ");
    console.log(
      `# panels per board: with data / checked, exempt:\n${boards
        .map((d) => {
          const mine = rows.filter((x) => x.r.dashboard === d && isPanel(x));
          const checked = mine.filter((x) => !x.exempt);
          const exempt = mine.filter((x) => x.exempt);
          const anyway = exempt.filter((x) => x.r.series > 0).length;
          return `#   ${d.padEnd(20)} ${checked.filter((x) => x.r.series > 0).length}/${checked.length} with data, ${exempt.length} exempt${anyway ? ` (${anyway} with data anyway)` : ""}`;
        })
        .join("\n")}`,
    );
    const variables = rows.filter((x) => !isPanel(x) && !x.exempt);
    console.log(`# variables with values: ${variables.filter((x) => x.r.series > 0).length}/${variables.length} checked`);
    console.log(
      `# exempt:\n${rows
        .filter((x) => x.exempt)
        .map((x) => `#   ${x.r.dashboard} / ${x.r.panel}: ${x.exempt}${x.r.series > 0 ? " (has data anyway)" : ""}`)
        .join("\n")}`,
    );
    const checked = rows.filter((x) => !x.exempt).map((x) => x.r);
    assert.ok(checked.length >= 40, `${checked.length} panels and variables checked`);
    assert.deepEqual(unexplainedGaps(checked), []);
  });
});
