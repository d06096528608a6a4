/**
 * The real Pulumi engine and Kubernetes provider accept the program: preview, then up in render
 * mode (kube.renderDir, no cluster) for the default stack and for relayer.count=5 +
 * redis.mode=cluster; every rendered manifest is valid against the pinned Kubernetes OpenAPI
 * schema; a second up changes nothing; `pulumi stack output urls --json` has the right shape; and
 * without a cluster or renderDir, `up` fails with our preflight message, not a stack trace.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Stack } from "@pulumi/pulumi/automation";
import { offlineEngine, type Engine } from "./engine";
import { K8sSchemas } from "./k8s-openapi";
import { repoRoot, run, Scratch } from "./support";

const variants: { name: string; config: Record<string, string>; relayers: number }[] = [
  { name: "default", config: {}, relayers: 2 },
  { name: "scaled", config: { "relayer.count": "5", "redis.mode": "cluster" }, relayers: 5 },
];

/** Every object in renderDir/1-manifest (and 0-crd if any). */
function renderedObjects(renderDir: string): { file: string; obj: Record<string, any> }[] {
  const out: { file: string; obj: Record<string, any> }[] = [];
  for (const sub of ["0-crd", "1-manifest"]) {
    const d = join(renderDir, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) {
      for (const doc of parseAllDocuments(readFileSync(join(d, f), "utf8"))) {
        const obj = doc.toJS() as Record<string, any> | null;
        if (obj) out.push({ file: `${sub}/${f}`, obj });
      }
    }
  }
  return out;
}

const noChange = (changes: Record<string, number> | undefined) => Object.entries(changes ?? {}).filter(([op, n]) => op !== "same" && n > 0);

describe("engine: pulumi preview/up of the program in render mode", () => {
  const scratch = new Scratch();
  let engine: Engine;
  let schemas: K8sSchemas;

  before(async () => {
    schemas = new K8sSchemas();
    engine = await offlineEngine(scratch);
  });
  after(() => scratch.cleanup());

  for (const v of variants) {
    describe(`stack "${v.name}" ${JSON.stringify(v.config)}`, () => {
      let stack: Stack;
      let renderDir: string;

      before(async () => {
        renderDir = join(scratch.dir(`render-${v.name}`), "manifests");
        stack = await engine.stack(v.name, { ...v.config, "kube.renderDir": renderDir });
      });

      test("pulumi preview plans only creates", async () => {
        const p = await stack.preview();
        const creates = p.changeSummary.create ?? 0;
        assert.ok(creates > 20, `expected a full plan, got ${JSON.stringify(p.changeSummary)}`);
        assert.deepEqual(noChange({ ...p.changeSummary, create: 0 }), []);
      });

      test("pulumi up renders every resource", async () => {
        const r = await stack.up();
        assert.equal(r.summary.result, "succeeded");
        assert.ok((r.summary.resourceChanges?.create ?? 0) > 20, JSON.stringify(r.summary.resourceChanges));
        const objs = renderedObjects(renderDir);
        const kinds = new Set(objs.map((o) => o.obj.kind));
        for (const k of ["Namespace", "StatefulSet", "Deployment", "Service", "ConfigMap", "Secret"]) assert.ok(kinds.has(k), `no ${k} rendered`);
        const relayers = objs.filter((o) => ["Deployment", "StatefulSet"].includes(o.obj.kind) && o.obj.metadata?.name === "relayer");
        const replicas = relayers.reduce((n, o) => n + (o.obj.spec?.replicas ?? 1), 0);
        assert.equal(replicas, v.relayers, `relayer replicas in ${relayers.map((o) => o.file).join(", ")}`);
      });

      test("every rendered manifest is valid against the pinned Kubernetes OpenAPI schema", () => {
        const objs = renderedObjects(renderDir);
        assert.ok(objs.length > 20, `only ${objs.length} objects rendered`);
        const problems = objs.flatMap(({ file, obj }) => schemas.validate(obj).map((p) => `${file}: ${p}`));
        assert.deepEqual(problems, []);
      });

      test("a second pulumi up changes nothing (idempotent)", async () => {
        const r = await stack.up();
        assert.deepEqual(noChange(r.summary.resourceChanges), [], JSON.stringify(r.summary.resourceChanges));
        await stack.preview({ expectNoChanges: true });
      });

      test("pulumi stack output urls --json", () => {
        const [status, stdout, stderr] = engine.cli(["stack", "output", "urls", "--json", "--stack", v.name]);
        assert.equal(status, "0", stderr);
        const urls = JSON.parse(stdout) as Record<string, unknown>;
        for (const k of ["relayers", "relayerHealth", "relayerMetrics", "minerMetrics", "validatorRpc", "validatorGrpc", "validatorRest", "backendHttp", "redis"]) {
          assert.ok(k in urls, `urls has no ${k}: ${stdout}`);
        }
        assert.ok(Array.isArray(urls.relayers));
        assert.equal((urls.relayers as string[]).length, v.relayers);
        for (const u of urls.relayers as string[]) assert.match(u, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(new Set(urls.relayers as string[]).size, v.relayers, "relayer URLs are distinct");
      });
    });
  }

  test("the schema check is not a rubber stamp: a typo and a wrong type are caught", () => {
    const problems = schemas.validate({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { replicas: "2", selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i", imagePullPolicyy: "Always" }] } } },
    });
    assert.ok(
      problems.some((p) => p.includes("imagePullPolicyy: unknown field")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("spec.replicas: must be an integer")),
      problems.join("\n"),
    );
  });

  test("without a cluster or renderDir, pulumi up fails with the preflight message and no stack trace", () => {
    const r = run(process.execPath, ["--import", "tsx", join(__dirname, "preflight-up.ts"), engine.workDir, "nocluster"], {
      cwd: repoRoot,
      env: { ...engine.env, KUBECONFIG: engine.noKubeconfig },
      allowFail: true,
      timeoutMs: 120_000,
    });
    assert.equal(r.status, 0, `expected the up to fail:\n${r.stdout}\n${r.stderr}`);
    const diagnostics = r.stdout.slice(r.stdout.indexOf("Diagnostics:"));
    assert.match(diagnostics, /error: No Kubernetes cluster: there is no kubeconfig at .*no-kubeconfig\. Create a local cluster first \(`npm run cluster:up` for kind/);
    assert.doesNotMatch(diagnostics, /\n\s+at .+:\d+:\d+\)?\n/, "a stack trace was printed");
  });
});
