/**
 * How the observability pods test reads the dashboards: which panels the parts on the node must
 * fill (and why the others are exempt), and the log panels' pod selectors with their variables.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dashboardSpecs } from "../../../dashboards";
import { prometheusPanels } from "../../support/panel-data";
import { logPanels, panelExemption, podMatcher, problemLine } from "./observability-checks";

const panel = (exprs: string[], mayBeEmpty?: string) => ({ dashboard: "d", panel: "p", exprs, mayBeEmpty });
const absent = { relayMiner: false };

describe("which panels the pods tier must see with data", () => {
  it("exempts a panel only with a reason: its own, or a part or relays its every query needs", () => {
    assert.equal(panelExemption(panel(["max(redis_up)"]), absent), undefined);
    assert.equal(panelExemption(panel(["sum(localnet_chain_claimed_relays_total)"]), absent), undefined, "created at 0 per staked pair");
    assert.match(panelExemption(panel(["max(redis_up)"], "only on a failover"), absent)!, /^may be empty: only on a failover$/);
    assert.match(panelExemption(panel(["sum(rate(ha_relayer_relays_received_total[1m]))"]), absent)!, /no relayers or miners here/);
    assert.match(panelExemption(panel(["sum(rate(ha_relayer_relays_received_total[1m]))"]), { relayMiner: true })!, /sends no relays/);
    assert.match(panelExemption(panel(['max by (pod) (up{job="miners"})']), absent)!, /no relayers or miners/);
    assert.match(panelExemption(panel(["sum(increase(localnet_chain_settlements_total[1m]))"]), absent)!, /first settlement/);
    assert.match(panelExemption(panel(["max by (stream) (redis_stream_length)"]), absent)!, /relay streams/);
  });

  it("checks a panel when any query can be filled here: a part that runs, or `or vector(0)`", () => {
    assert.equal(panelExemption(panel(["sum(rate(ha_relayer_relays_received_total[1m]))", "sum(rate(demo_requests_total[1m]))"]), absent), undefined);
    assert.equal(panelExemption(panel(["(sum(ha_miner_leader_status)) or vector(0)"]), absent), undefined);
    assert.match(panelExemption(panel(["sum(ha_miner_leader_status) / sum(redis_up)"]), absent)!, /no relayers or miners/, "a ratio needs both sides");
  });

  it("on the real dashboards: the backend, Redis and overview boards are mostly checked, the relayer board all exempt", () => {
    const checked = new Map<string, number>();
    for (const p of prometheusPanels()) if (!panelExemption(p, absent)) checked.set(p.dashboard, (checked.get(p.dashboard) ?? 0) + 1);
    assert.equal(checked.get("localnet-relayer"), undefined);
    for (const d of ["localnet-overview", "localnet-redis", "localnet-backend", "localnet-path"]) assert.ok((checked.get(d) ?? 0) >= 5, `${d}: ${checked.get(d)}`);
  });
});

describe("the log panels as the pods test reads them", () => {
  const panels = logPanels(dashboardSpecs());

  it("finds every log panel with its container, pod regex and variables", () => {
    assert.ok(panels.length >= 8);
    const relayers = panels.find((p) => p.where === "localnet-relayer / All lines (relayers)")!;
    assert.equal(relayers.container, "relayer");
    assert.deepEqual(
      relayers.variables.map((v) => v.name),
      ["replica"],
    );
    assert.equal(relayers.problemsOnly, false);
    const everyPod = panels.find((p) => p.where.startsWith("localnet-overview / Warnings"))!;
    assert.equal(everyPod.container, undefined);
    assert.equal(everyPod.problemsOnly, true);
  });

  it("fills variables as Grafana does: All is .*, a value narrows the whole pod name", () => {
    const relayers = panels.find((p) => p.where === "localnet-relayer / All lines (relayers)")!;
    assert.ok(podMatcher(relayers).matches("relayer-12"));
    const one = podMatcher(relayers, { replica: "1" });
    assert.ok(one.matches("relayer-1"));
    assert.ok(!one.matches("relayer-12") && !one.matches("relayer-0"));
    assert.ok(one.expr.includes('k8s_pod_name=~"relayer-(1)"'), one.expr);
  });

  it("reads the problems filter as Loki does: warnings and errors in each log format, not info", () => {
    for (const line of ['{"level":"error","msg":"x"}', "level=warn msg=x", "12:00 WRN something", "ERROR: boom"]) assert.ok(problemLine.test(line), line);
    for (const line of ["level=info msg=x", '{"level":"debug"}', "all is well"]) assert.ok(!problemLine.test(line), line);
  });
});
