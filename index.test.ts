/**
 * index.ts is what `pulumi up` runs: the stack config, the cluster preflight, one
 * RelayMinerLocalnet, its outputs as the stack outputs. Under mocks, in render mode (no cluster).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inTurn, setRecordingMocks, setStackConfig, settle, type Registered } from "./test/support/mock-program";

test("main: stack config in, one RelayMinerLocalnet, its outputs out", async () => {
  const resources: Registered[] = [];
  const outputs = await inTurn(async () => {
    await setRecordingMocks(resources);
    setStackConfig({ "relayer.count": "3", "kube.renderDir": join(mkdtempSync(join(tmpdir(), "rml-index-")), "out") });
    const mod = (await import("./index")) as unknown as (() => Promise<Record<string, any>>) & { default?: () => Promise<Record<string, any>> };
    const outputs = await (mod.default ?? mod)();
    await settle(() => resources.length);
    return outputs;
  });
  assert.deepEqual(Object.keys(outputs).sort(), ["chain", "dashboards", "forwards", "namespace", "urls"]);
  assert.equal(outputs.urls.relayers.length, 3, "the stack config reached the component");
  const localnets = resources.filter((r) => r.type === "relayminer-localnet:index:RelayMinerLocalnet");
  assert.deepEqual(
    localnets.map((r) => r.name),
    ["localnet"],
  );
  const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
  assert.ok(provider?.inputs.renderYamlToDirectory, "render mode: the provider writes manifests, no cluster needed");
});
