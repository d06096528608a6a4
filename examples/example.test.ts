/**
 * The example program, evaluated under Pulumi's mocks as `pulumi up` would load it: it imports the
 * package by its name (examples/node_modules links to the checkout) and gets the localnet it asks
 * for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { inTurn, setRecordingMocks, setStackConfig, settle, type Registered } from "../test/support/mock-program";

test("examples/index.ts imports relayminer-localnet by name and deploys what it asks for", async () => {
  assert.equal(realpathSync(require.resolve("relayminer-localnet", { paths: [__dirname] })), join(__dirname, "..", "components", "localnet", "index.ts"));
  const resources: Registered[] = [];
  const program = await inTurn(async () => {
    await setRecordingMocks(resources);
    setStackConfig({});
    const program = (await import("./index")) as Record<string, unknown>;
    await settle(() => resources.length);
    return program;
  });

  assert.deepEqual(
    resources.filter((r) => r.type === "relayminer-localnet:index:RelayMinerLocalnet").map((r) => r.name),
    ["dev"],
  );
  const named = (type: string, name: string) => resources.find((r) => r.type === type && r.inputs.metadata?.name === name);
  assert.equal(named("kubernetes:core/v1:Namespace", "relayminer-dev")?.inputs.metadata.name, "relayminer-dev");
  assert.equal(named("kubernetes:apps/v1:StatefulSet", "relayer")?.inputs.spec.replicas, 3);
  assert.equal(named("kubernetes:apps/v1:StatefulSet", "redis")?.inputs.spec.replicas, 3, "3 shards without replicas");
  assert.ok(named("kubernetes:batch/v1:Job", "redis-cluster-create"), "cluster mode forms the cluster");
  assert.equal(named("kubernetes:apps/v1:Deployment", "prometheus"), undefined, "observability is off");
  const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
  assert.equal(provider?.inputs.context, "kind-relayminer");

  assert.equal(program.relayerEndpoint, "http://relayer.relayminer-dev.svc.cluster.local:8080");
  assert.deepEqual((program.urls as { relayers: string[] }).relayers, ["http://127.0.0.1:8180", "http://127.0.0.1:8181", "http://127.0.0.1:8182"]);
});
