/**
 * End to end on this machine: the real demo backend, scraped by a real Prometheus with the backend
 * job of our generated config (only the in-cluster address is swapped for the backend's loopback
 * address, labels kept), shows the target up, and every Backend dashboard query returns data once traffic,
 * including an injected fault and a stream, has gone through.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { backendMetrics } from "../../dashboards/catalogue/backend";
import { dashboardModels, scrapeJobs } from "../../dashboards";
import { prometheusConfig } from "./prometheus";
import { queriesOf, substituteVariables } from "../../dashboards/lib/queries";
import { startBackendProcess, type BackendProcess } from "../../test/support/backend-process";
import { startPrometheus, type RunningPrometheus } from "../../test/support/prometheus";

const scrapeSeconds = 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The generated backend job (one replica), pointed at 127.0.0.1:<port> instead of the Service. */
function backendJobYaml(metricsPort: number): string {
  const generated = prometheusConfig({
    namespace: "relayminer-localnet",
    scrapeIntervalSeconds: 5,
    relayers: 0,
    miners: 0,
    redisNodes: [],
    backendReplicas: 1,
    chainExporter: false,
  });
  const job = generated.scrape_configs.find((j) => j.job_name === scrapeJobs.backend);
  assert.ok(job && "static_configs" in job, "the generated config has a static backend job for one replica");
  const labels = (job.static_configs as Array<{ labels: Record<string, string> }>)[0].labels;
  const local = { ...job, static_configs: [{ targets: [`127.0.0.1:${metricsPort}`], labels }] };
  return stringify({ global: { scrape_interval: `${scrapeSeconds}s`, scrape_timeout: `${scrapeSeconds}s` }, scrape_configs: [local] });
}

async function rpc(port: number, method: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Opens an SSE stream, reads a little, and hangs up (creates the active-streams and stream-latency series). */
async function briefStream(port: number): Promise<void> {
  const ac = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/stream/sse`, { signal: ac.signal });
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  await reader.read().catch(() => undefined);
}

/** `# TYPE name type` lines and the label names of each sample family of an exposition. */
function parseExposition(text: string): Map<string, { type: string; labels: Set<string> }> {
  const families = new Map<string, { type: string; labels: Set<string> }>();
  for (const line of text.split("\n")) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) families.set(t[1], { type: t[2], labels: new Set() });
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(line);
    if (!s) continue;
    const family = [...families.keys()].find((f) => s[1] === f || s[1] === `${f}_bucket` || s[1] === `${f}_sum` || s[1] === `${f}_count`);
    for (const m of s[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) if (family && m[1] !== "le") families.get(family)!.labels.add(m[1]);
  }
  return families;
}

describe("a real Prometheus scraping the real backend", () => {
  let backend: BackendProcess;
  let prom: RunningPrometheus;
  let traffic: Promise<void> | undefined;
  let stopTraffic = false;

  /**
   * Requests keep flowing while Prometheus scrapes, so rates are non-zero (traffic that all lands
   * before the first scrape leaves flat counters and rate() = 0). Bounded in count and time.
   */
  async function driveTraffic(port: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < 600 && !stopTraffic && Date.now() < deadline; i++) {
      await rpc(port, i % 5 === 4 ? "eth_fail" : i % 2 ? "eth_blockNumber" : "eth_call");
      await sleep(50);
    }
  }

  before(async () => {
    backend = await startBackendProcess({
      chain: { enabled: true, mode: "interval", block_time_ms: 200 },
      faults: [{ name: "dashboards-test", protocol: "http", method: "eth_fail", action: { type: "jsonrpc_error", code: -32000, message: "injected" } }],
    });
    prom = await startPrometheus(backendJobYaml(backend.ports.metrics));
    await briefStream(backend.ports.http);
    traffic = driveTraffic(backend.ports.http);
  });
  after(async () => {
    stopTraffic = true;
    await traffic;
    await prom?.stop();
    await backend?.stop();
  });

  it("exports the catalogue's backend metrics with the catalogued types and labels", async () => {
    const text = await (await fetch(`http://127.0.0.1:${backend.ports.metrics}/metrics`)).text();
    const families = parseExposition(text);
    for (const [name, info] of Object.entries(backendMetrics)) {
      const f = families.get(name);
      assert.ok(f, `${name} is not in the backend's /metrics`);
      assert.equal(f.type, info.type, name);
      for (const l of f.labels) assert.ok(info.labels.includes(l), `${name} has label ${l} that the catalogue lacks`);
    }
  });

  it("shows the backend target up and every Backend dashboard query returns data", async () => {
    const queries = queriesOf(dashboardModels().backend, "prometheus").map((q) => ({ ...q, expr: substituteVariables(q.expr, scrapeSeconds) }));
    let empty: string[] = [];
    // rate() needs two scrapes after the traffic; a loaded machine may need many more.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const up = await prom.query(`up{job="${scrapeJobs.backend}"} == 1`);
      empty = [];
      if (up.data?.result.length !== 1) empty.push("up == 1");
      for (const q of queries) {
        const r = await prom.query(q.expr);
        assert.equal(r.status, "success", `${q.panel}: ${q.expr}: ${r.error}`);
        if ((r.data?.result.length ?? 0) === 0) empty.push(`${q.panel}: ${q.expr}`);
      }
      if (empty.length === 0) break;
      await sleep(500);
    }
    assert.deepEqual(empty, []);
  });
});
