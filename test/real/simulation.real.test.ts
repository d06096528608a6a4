/**
 * Simulated relays with the real relayer, configured as the stack renders it: the relayer trusts
 * one dev identity per service (sim-http, sim-grpc, ...: the staked application's and its
 * gateway's public keys), so `pocket-relay-miner relay … --simulate --sim-key-id sim-http` is
 * answered by our backend without a session on chain, and nothing reaches the relay streams, the
 * relay meter or a claim.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { relayEventsBetween } from "../../services/chain-exporter/chain-events";
import { sessionEndOf, sessionWindows } from "../../scripts/verify/chain";
import { samplesOf } from "../../scripts/verify/metrics";
import { startRelayNetwork, type RelayNetwork } from "./relay-network";
import { httpGet, Scratch, skipUnlessBuilt, waitFor } from "./support";

describe("simulated relays through the real relayer", { skip: skipUnlessBuilt("pocket-relay-miner") }, () => {
  const scratch = new Scratch();
  let net: RelayNetwork;
  const metrics = async () => (await httpGet(`http://127.0.0.1:${net.relayers[0].metricsPort}/metrics`))?.body ?? "";
  const total = (text: string, metric: string, labels: Record<string, string> = {}) =>
    samplesOf(text, metric)
      .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);

  before(async () => {
    net = await startRelayNetwork(scratch, { blockTimeSeconds: 2, miners: 1, relayers: 1 });
  });
  after(async () => {
    net?.redis.close();
    await scratch.cleanup();
  });

  test("the rendered relayer config pins sim-http to develop-http's application and gateway", () => {
    const sim = (parse(net.rendered.relayerYaml) as { simulation: { enabled: boolean; identities: { key_id: string; allowed_services: string[] }[] } }).simulation;
    assert.equal(sim.enabled, true);
    assert.deepEqual(sim.identities.find((i) => i.key_id === "sim-http")?.allowed_services, ["develop-http"]);
  });

  test("a simulated develop-http relay is answered by our backend, and nothing is published, metered or claimed", async () => {
    const supplier = net.chain.genesis.artifacts.summary.suppliers[0];
    const startHeight = await net.chain.height();
    const r = net.sendRelays({ service: "develop-http", count: 1, supplier, simulateKeyId: "sim-http" });
    console.log(
      `simulated relay: exit ${r.status}\n${r.output
        .split("\n")
        .filter((l) => /Status|Signature|X-Backend-Id|result/.test(l))
        .slice(0, 6)
        .join("\n")}`,
    );
    assert.equal(r.succeeded, 1, r.output.slice(-2000));
    assert.match(r.output, /X-Backend-Id[\s\S]{0,4}relay-path/, "answered by our backend");

    const text = await waitFor(
      "the relayer to count the simulated relay",
      async () => {
        const t = await metrics();
        return total(t, "ha_relayer_simulated_relays_total") >= 1 ? t : undefined;
      },
      10_000,
      250,
    );
    console.log(
      `simulated relays: ${samplesOf(text, "ha_relayer_simulated_relays_total")
        .map((s) => `${JSON.stringify(s.labels)} ${s.value}`)
        .join("; ")}`,
    );
    assert.equal(total(text, "ha_relayer_simulated_relays_total", { service: "develop-http" }), 1);
    assert.equal(total(text, "ha_relayer_relays_published_total"), 0, "published to a relay stream");
    const streams = await net.redis.client.keys(`${net.keyPrefix}:relays:*`);
    const lengths = await Promise.all(streams.map((k) => net.redis.client.xlen(k)));
    assert.equal(
      lengths.reduce((a, b) => a + b, 0),
      0,
      `relay stream entries: ${streams.join(", ")}`,
    );
    assert.deepEqual(await net.redis.client.keys(`${net.keyPrefix}:meter:*`), [], "metered");

    // No claim for it once the claim window of its session has passed.
    const windows = await sessionWindows(net.chain.restUrl);
    const claimClose = sessionEndOf(windows, startHeight) + windows.claimWindowOpenOffset + 1 + windows.claimWindowCloseOffset;
    await waitFor(`height ${claimClose} (the claim window's close)`, async () => ((await net.chain.height()) > claimClose ? true : undefined), 180_000, 1000);
    const claims = (await relayEventsBetween(net.chain.rpcUrl, startHeight, claimClose)).filter((e) => e.kind === "claim");
    assert.deepEqual(claims, []);
  });
});
