/**
 * The localnet under Pulumi's mocks for the config variants users reach for: counts, parts turned
 * off, kept state, overrides, the pinned relay-miner commit, and the errors bad input gets.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram, sharedRun, k, projectDir } from "../../test/support/mock-program";
import { configYaml, container, envOf, podSpec } from "../../test/support/rendered-objects";
import { parseStackConfig } from "../config/load";
import { localnetGenesis } from "./genesis";

describe("variants", () => {
  test("relayer.count=5, flat and --path forms alike", async () => {
    const forms: Record<string, string>[] = [{ "relayer.count": "5" }, { relayer: JSON.stringify({ count: 5 }) }];
    for (const config of forms) {
      const run = await runProgram(config);
      assert.equal(run.named(k.statefulSet, "relayer").inputs.spec.replicas, 5);
      assert.equal(run.outputs.urls.relayers.length, 5);
      assert.equal(run.outputs.urls.relayers[4], "http://127.0.0.1:8184");
    }
  });

  test("miner.count=3", async () => {
    const run = await runProgram({ "miner.count": "3" });
    assert.equal(run.named(k.statefulSet, "miner").inputs.spec.replicas, 3);
    assert.equal(run.outputs.urls.minerMetrics.length, 3);
  });

  test("no Service changes with the topology: a config change never updates a Service", async () => {
    // The provider (4.25) can end a Service update with the object it saw before the patch, and
    // the next preview then proposes the change again; so Services are kept config-independent.
    const services = async (config: Record<string, string>, run = runProgram) =>
      new Map((await run(config)).ofType(k.service).map((r) => [r.inputs.metadata.name as string, JSON.stringify(r.inputs)]));
    const base = await services({}, sharedRun);
    const variants: Record<string, string>[] = [
      { "redis.mode": "cluster" },
      { "relayer.count": "5", "miner.count": "3" },
      { "redis.maxMemoryMb": "512" },
      { "redis.persistence": "true" },
      { "validator.keepState": "true" },
    ];
    for (const v of variants) {
      for (const [name, spec] of await services(v)) {
        if (base.has(name)) assert.equal(spec, base.get(name), `Service ${name} differs under ${JSON.stringify(v)}`);
      }
    }
  });

  test("observability off removes Prometheus, Grafana, the Redis exporter only they read, and their URLs", async () => {
    const run = await runProgram({ "observability.enabled": "false" });
    const names = [...run.ofType(k.deployment), ...run.ofType(k.service)].map((r) => r.inputs.metadata.name);
    for (const gone of ["prometheus", "grafana", "redis-exporter"]) assert.ok(!names.includes(gone), `no ${gone} (${names.join(", ")})`);
    assert.equal(run.outputs.urls.prometheus, undefined);
    assert.equal(run.outputs.urls.grafana, undefined);
    assert.deepEqual(run.outputs.dashboards, {});
    const on = await sharedRun();
    assert.ok(
      on.ofType(k.deployment).some((r) => r.inputs.metadata.name === "redis-exporter"),
      "with observability on, the exporter is there",
    );
  });

  test("observability.grafana off keeps Prometheus (and its Redis exporter) and leaves Grafana, its URL, forward and links out", async () => {
    const run = await runProgram({ "observability.grafana": "false" });
    const names = [...run.ofType(k.deployment), ...run.ofType(k.service), ...run.ofType(k.configMap), ...run.ofType(k.secret)].map((r) => r.inputs.metadata.name);
    for (const kept of ["prometheus", "redis-exporter"]) assert.ok(names.includes(kept), `${kept} stays`);
    assert.deepEqual(
      names.filter((n: string) => n.startsWith("grafana")),
      [],
    );
    assert.equal(run.outputs.urls.grafana, undefined);
    assert.ok(run.outputs.urls.prometheus);
    assert.ok(!run.outputs.forwards.some((f: { name: string }) => f.name === "grafana"));
    assert.deepEqual(run.outputs.dashboards, {});
  });

  test("backend off with an external backend: no backend objects, relayers forward there", async () => {
    const run = await runProgram({ "backend.enabled": "false", "backend.externalHost": "my-node.other.svc" });
    assert.ok(!run.ofType(k.deployment).some((r) => r.inputs.metadata.name === "backend"));
    assert.equal(configYaml(run, "relayer-config").services["develop-http"].backends.jsonrpc.url, "http://my-node.other.svc:8545");
    assert.equal(run.outputs.urls.backendHttp, undefined);
    const deps = run.captured.find((c) => c.type === "relayminer-localnet:localnet:RelayerSet")!.dependsOn;
    assert.deepEqual(new Set(deps), new Set(["namespace", "miners"]));
  });

  test("keep-state on: the validator home is a volume claim", async () => {
    const run = await runProgram({ "validator.keepState": "true", "validator.storageSize": "5Gi" });
    const pvc = run.named(k.pvc, "validator-data");
    assert.equal(pvc.inputs.spec.resources.requests.storage, "5Gi");
    const home = podSpec(run.named(k.deployment, "validator")).volumes.find((v: { name: string }) => v.name === "home");
    assert.ok(home.persistentVolumeClaim, "home volume is the claim");
  });

  test("relay-miner overrides are deep-merged into the rendered configs", async () => {
    const run = await runProgram({ "miner.config": JSON.stringify({ supplier_claiming: { renew_rate_seconds: 5 } }) });
    assert.equal(configYaml(run, "miner-config").supplier_claiming.renew_rate_seconds, 5);
    assert.equal(configYaml(run, "miner-config").supplier_claiming.claim_ttl_seconds, 15, "the rest of the block stays derived");
    assert.equal(configYaml(run, "miner-config").metrics.addr, "0.0.0.0:9092", "owned keys keep their values");
  });

  test("relayMiner.version = ad37bcb: the pinned commit's image, and relayers wait for the leader lock", async () => {
    const run = await runProgram({ "relayMiner.version": "ad37bcb" });
    assert.equal(container(run.named(k.statefulSet, "miner"), "miner").image, "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb");
    const miners = podSpec(run.named(k.statefulSet, "relayer")).initContainers.find((c: { name: string }) => c.name === "wait-for-miners");
    assert.equal(envOf(miners).MINERS_KEY, "ha:miner:global_leader");
  });

  test("an override the chosen version refuses is a config error naming the key and the version", async () => {
    const retired = { "relayer.config": JSON.stringify({ relay_meter: { fail_behavior: "closed" } }) };
    await assert.rejects(
      runProgram(retired),
      /relayer\.config\.relay_meter\.fail_behavior = "closed": was removed from this version.*\(relay-miner v0\.1\.2, relayMiner\.version\)/,
    );
    // The pinned commit still reads it: the same override reaches its rendered config.
    const pinned = await runProgram({ ...retired, "relayMiner.version": "ad37bcb" });
    assert.equal(configYaml(pinned, "relayer-config").relay_meter.fail_behavior, "closed");
  });

  test("miner failover timings the session windows cannot absorb stop the program, naming what to change", () => {
    const config = parseStackConfig({ "relayminer-localnet:miner.config": JSON.stringify({ supplier_claiming: { claim_ttl_seconds: 90 } }) }, { projectDir });
    assert.throws(
      () => localnetGenesis(config, projectDir),
      (e: Error) => {
        assert.ok(pulumi.RunError.isInstance(e));
        assert.match(e.message, /^a miner crash could lose a session \(validator\.timing = "fast", validator\.blockTimeSeconds = 2,/);
        assert.match(e.message, /params\.shared\.claim_window_close_offset_blocks = 19 is too short: a miner crash takes up to 101 s .* allowed: 57 or more/);
        return true;
      },
    );
  });

  test("a broken genesis description stops the program with a readable error, not a stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "rml-genesis-")), "bad.yaml");
    writeFileSync(file, "chainId: pocket\naccounts: []\n");
    await assert.rejects(runProgram({ "validator.genesisFile": file }), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e), "a RunError: Pulumi prints it without a stack trace");
      assert.match(e.message, /^validator\.genesisFile = ".*bad\.yaml": invalid genesis input/);
      return true;
    });
  });
});
