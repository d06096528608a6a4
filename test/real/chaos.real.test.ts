/**
 * `npm run chaos` (the CLI) against a real kube-apiserver with its controllers, kwok faking the
 * node (pods become Ready, no container runs), and a real pocketd chain behind the forward plan's
 * validatorRpc: restart-validator deletes the validator pod through the API, the Deployment's
 * controller makes a new one, and chaos reports it Ready and the chain moving. Actions that need
 * a process inside a container (kill-*, pause-redis) need a real node: here they must fail with
 * one clear line.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { selectorFor, labelsFor } from "../../components/k8s/objects";
import { startChain, waitForHeight, type RunningChain } from "./chain";
import { startCluster, type Cluster } from "./cluster";
import { repoRoot, run, Scratch, tool, waitFor } from "./support";

const NAMESPACE = "chaos-test";

describe("chaos CLI against a real API server (kwok) and a real chain", { timeout: 300_000 }, () => {
  const scratch = new Scratch();
  let cluster: Cluster;
  let chain: RunningChain;
  let forwardsFile: string;

  before(async () => {
    [cluster, chain] = await Promise.all([startCluster(scratch), startChain(scratch, tool("pocketd"))]);
    await waitForHeight(chain, 2);
    const ns = await cluster.api("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
    assert.equal(ns.status, 201, ns.text);
    // The validator's labels as the stack sets them (chaos finds pods by app.kubernetes.io/name).
    const deployment = await cluster.api("POST", `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "validator", labels: labelsFor("validator", "validator") },
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorFor("validator") },
        template: { metadata: { labels: labelsFor("validator", "validator") }, spec: { containers: [{ name: "pocketd", image: "pocketd:test" }] } },
      },
    });
    assert.equal(deployment.status, 201, deployment.text);
    const dir = scratch.dir("chaos");
    forwardsFile = join(dir, "forwards.json");
    writeFileSync(
      forwardsFile,
      JSON.stringify([{ namespace: NAMESPACE, resource: "svc/validator", hostPort: chain.ports.rpc, targetPort: 26657, url: chain.rpcUrl, name: "validatorRpc" }]),
    );
  });
  after(() => scratch.cleanup());

  const chaos = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/chaos.ts", ...args, "--forwards-file", forwardsFile, "--kubeconfig", cluster.kubeconfig], {
      cwd: repoRoot,
      allowFail: true,
      timeoutMs: 240_000,
    });

  test("restart-validator: the pod is deleted, a new one is Ready, the chain moves; exit 0", async () => {
    // The Deployment's controllers create its pod a moment after the Deployment itself.
    const podsBefore = await waitFor(
      "the Deployment's pod (kwok runs it)",
      async () => {
        const names = (await cluster.get(`/api/v1/namespaces/${NAMESPACE}/pods`)).items.map((p: any) => p.metadata.name as string);
        return names.length > 0 ? names : undefined;
      },
      60_000,
      250,
    );
    assert.equal(podsBefore.length, 1, "the Deployment's pod exists (kwok runs it)");
    const r = chaos("restart-validator");
    console.log(`chaos restart-validator (exit ${r.status}):\n${r.stdout}`);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`did: deleted pod ${podsBefore[0]}`));
    assert.match(r.stdout, /saw: a new validator pod is Ready after \d+\.\d s: validator-/);
    assert.match(r.stdout, /saw: the chain makes blocks after \d+\.\d s: height \d+ → \d+/);
    assert.match(r.stdout, /^recovered$/m);
    const json = JSON.parse(chaos("restart-validator", "--json").stdout);
    assert.equal(json.action, "restart-validator");
    assert.ok(json.saw.every((s: { ok: boolean }) => s.ok));
  });

  test("kill-leader without Redis pods or a node to exec on: one line, exit 1, no stack trace", () => {
    const r = chaos("kill-leader");
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("chaos:")).length,
      1,
      r.stderr,
    );
    assert.match(r.stderr, /chaos: no Redis pods in the namespace/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("a context that is not in the kubeconfig is named with the ones that are", () => {
    const r = chaos("restart-validator", "--context", "nope");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /chaos: no context "nope" in the kubeconfig; contexts: /);
  });
});
