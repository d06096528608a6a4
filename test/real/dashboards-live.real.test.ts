/**
 * Every dashboard panel against a live relay path: real pocketd, 2 miners and 2 relayers (the
 * stack's defaults), Redis, our backend, the chain exporter, redis_exporter and Prometheus with the
 * localnet's own scrape config (observed-network.ts). Traffic: 200 develop-http relays to one
 * supplier (a session to settle), one relay of each other protocol, and a burst the backend is
 * told to fail (503s, then 429s). Once the 200-relay session has settled, every panel's queries run over the test's
 * time range; a panel without data fails the test unless it says why it may be empty.
 *
 * RML_RECORD_METRICS=<dir> also writes what Prometheus stored per job (the fixtures in
 * dashboards/testdata/metrics); RML_PANEL_REPORT=<file> writes the per-panel results as JSON.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { scrapeJobs } from "../../dashboards";
import { pathFigureQueries } from "../../dashboards/path";
import { sessionWindows } from "../../scripts/verify/chain";
import { endpointsOf } from "../../scripts/verify/endpoints";
import { scrapeRelayers, scrapeSettled, servedBetween, servedKey } from "../../scripts/verify/metrics";
import { realClock, settleAndReconcile } from "../../scripts/verify/run";
import { relayClientArgs, sendRelays } from "../../scripts/verify/send";
import { panelData, panelReport, prometheusPanels, unexplainedGaps } from "../support/panel-data";
import { startObservedNetwork, type ObservedNetwork } from "./observed-network";
import { recordMetrics } from "./record-metrics";
import { Scratch, skipUnlessBuilt, waitFor } from "./support";
import { waitForSessionStart } from "./chain";

const BLOCK_TIME = 2;

describe("dashboards on a live relay path: every panel has data, or says why not", { skip: skipUnlessBuilt("pocket-relay-miner") }, () => {
  const scratch = new Scratch();
  let obs: ObservedNetwork;
  let startS = 0;

  before(async () => {
    startS = Date.now() / 1000;
    obs = await startObservedNetwork(scratch, { blockTimeSeconds: BLOCK_TIME, miners: 2, relayers: 2 });
  });
  after(async () => {
    await obs?.stop();
    obs?.net.redis.close();
    await scratch.cleanup();
  });

  const instant = async (expr: string) => {
    const r = await obs.prometheus.query(expr);
    return (r.data?.result as { metric: Record<string, string>; value: [number, string] }[] | undefined) ?? [];
  };

  test("200 relays settle, the other protocols and a backend fault are seen, and every panel has data", async () => {
    const { net } = obs;
    const suppliers = net.chain.genesis.artifacts.summary.suppliers;
    const windows = await sessionWindows(net.chain.restUrl);
    // Relays early in a session, so all of them land in it and settle together.
    await waitForSessionStart(net.chain, windows, BLOCK_TIME);
    const endpoints = endpointsOf(net.forwards());
    const before = await scrapeRelayers(endpoints.relayerMetrics);
    const fromHeight = await net.chain.height();

    const load = net.sendRelays({ service: "develop-http", count: 200, supplier: suppliers[0] });
    assert.equal(load.succeeded, 200, load.output.slice(-2000));

    // One relay of every other protocol, through the second relayer.
    const second = { ...endpoints, relayerRelay: `http://127.0.0.1:${net.relayers[1].relayPort}` };
    const others: string[] = [];
    for (const [mode, service] of [
      ["websocket", "develop-websocket"],
      ["stream", "develop-stream"],
      ["grpc", "develop-grpc"],
      ["cometbft", "develop-cometbft"],
    ] as const) {
      const r = sendRelays(net.prm, relayClientArgs(second, { count: 1, service, mode, chainId: net.chainId }), 1);
      others.push(`${mode} ${service}: ${r.succeeded === 1 ? "ok" : `FAILED (exit ${r.exitCode}): ${r.tail}`}`);
    }
    console.log(`other protocols:\n  ${others.join("\n  ")}`);

    // Bursts the backend fails on purpose (3 x 503, then 2 x 429), to another supplier so the session above stays clean.
    const admin = `http://127.0.0.1:${net.backendAdminPort}`;
    const burst = async (status: number, count: number) => {
      const rule = await fetch(`${admin}/rules`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `burst-${status}`, method: "eth_blockNumber", first: count, action: { type: "http_status", status } }),
      });
      assert.ok(rule.ok, `backend admin: ${rule.status} ${await rule.text()}`);
      const r = net.sendRelays({ service: "develop-http", count, supplier: suppliers[1], relayer: 1, concurrency: 1 });
      await fetch(`${admin}/rules/burst-${status}`, { method: "DELETE" });
      console.log(`fault burst: ${r.succeeded}/${count} succeeded (the backend answered ${status})`);
    };
    await burst(503, 3);
    await burst(429, 2);

    const counts = servedBetween(before.served, (await scrapeSettled(endpoints.relayerMetrics, realClock.sleep)).served);
    assert.equal(counts.get(servedKey("develop-http", suppliers[0])), 200);
    const report = await settleAndReconcile(endpoints, counts, { fromHeight, lastHeight: await net.chain.height() }, { timeoutSeconds: 400 });
    const row = report.reconciliation.rows.find((r) => r.service === "develop-http" && r.supplier === suppliers[0])!;
    assert.deepEqual(
      [row.claimed, row.proved, row.settled],
      [200, 200, 200],
      JSON.stringify(report.reconciliation, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );

    // Let the exporter read the settlement block and Prometheus scrape it twice.
    const settledAt = report.scope.toHeight;
    await waitFor(
      "the chain exporter at the settlement height",
      async () => {
        const h = Number((await instant("localnet_chain_height"))[0]?.value[1] ?? 0);
        return h >= settledAt ? h : undefined;
      },
      60_000,
      1000,
    );
    await new Promise((r) => setTimeout(r, 3 * obs.scrapeIntervalSeconds * 1000));

    const endS = Date.now() / 1000;
    const figures: Record<string, string> = {};
    for (const [name, expr] of Object.entries(pathFigureQueries({ service: "develop-http", supplier: suppliers[0] }))) {
      figures[name] = (await instant(expr)).map((s) => s.value[1]).join(", ") || "(none)";
    }
    console.log(
      `relay path board, develop-http / ${suppliers[0]}:\n${Object.entries(figures)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join("\n")}`,
    );

    const results = await panelData(obs.prometheus.url, prometheusPanels(), { startS, endS, scrapeIntervalSeconds: obs.scrapeIntervalSeconds });
    console.log(panelReport(results));
    if (process.env.RML_PANEL_REPORT) writeFileSync(process.env.RML_PANEL_REPORT, JSON.stringify({ figures, results }, null, 2));
    const files = await recordMetrics(obs.prometheus.url, Object.values(scrapeJobs), Math.ceil(endS - startS), [
      `Recorded ${new Date().toISOString().slice(0, 10)} by test/real/dashboards-live.real.test.ts (see README.md here).`,
      `Run: 200 develop-http relays to ${suppliers[0]} (settled at height ${settledAt}), one websocket/stream/grpc/cometbft relay, 3 + 2 relays the backend failed (503, 429).`,
    ]);
    if (files.length) console.log(`recorded ${files.join(", ")}`);
    assert.deepEqual(unexplainedGaps(results), []);
  });
});
