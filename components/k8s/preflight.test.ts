import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCluster, kubeconfigPath, PreflightError, probeServer, resolveClusterTarget } from "./preflight";

const kubeconfig = (server: string) => `
apiVersion: v1
kind: Config
current-context: kind-relayminer
contexts:
  - name: kind-relayminer
    context: { cluster: kind-relayminer, user: kind-relayminer }
  - name: minikube
    context: { cluster: minikube, user: minikube }
clusters:
  - name: kind-relayminer
    cluster: { server: "${server}" }
users: []
`;

function writeKubeconfig(server: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "rml-kube-")), "config");
  writeFileSync(path, kubeconfig(server));
  return path;
}

describe("cluster preflight", () => {
  test("kubeconfig path: explicit, then $KUBECONFIG's first entry, then ~/.kube/config", () => {
    assert.equal(kubeconfigPath("/x/config", {}), "/x/config");
    assert.equal(kubeconfigPath(undefined, { KUBECONFIG: "/a:/b" }), "/a");
    assert.match(kubeconfigPath(undefined, {}), /\.kube\/config$/);
  });

  test("resolves the current context's API server", () => {
    const t = resolveClusterTarget(kubeconfig("https://127.0.0.1:6443"), "/k");
    assert.deepEqual(t, { kubeconfigPath: "/k", context: "kind-relayminer", server: "https://127.0.0.1:6443" });
  });

  test("an unknown context lists the ones that exist and says how to create one", () => {
    assert.throws(
      () => resolveClusterTarget(kubeconfig("https://127.0.0.1:6443"), "/k", "kind-other"),
      (e: Error) =>
        e instanceof PreflightError &&
        /No Kubernetes context "kind-other" in \/k \(kube.context = "kind-other"\)\. Contexts there: kind-relayminer, minikube\./.test(e.message) &&
        /npm run cluster:up/.test(e.message),
    );
  });

  test("a context whose cluster has no server is reported", () => {
    assert.throws(() => resolveClusterTarget(kubeconfig("https://x:1"), "/k", "minikube"), /names cluster "minikube", which has no server address/);
  });

  test("a missing kubeconfig says there is no cluster", async () => {
    await assert.rejects(checkCluster({ kubeconfig: "/nonexistent/kubeconfig" }), /No Kubernetes cluster: there is no kubeconfig at \/nonexistent\/kubeconfig/);
  });

  test("a stopped cluster is reported as not reachable", async () => {
    // Bind a port, then free it: nothing listens there.
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    await assert.rejects(
      checkCluster({ kubeconfig: writeKubeconfig(`https://127.0.0.1:${port}`) }),
      /The Kubernetes cluster of context "kind-relayminer" \(https:\/\/127\.0\.0\.1:\d+\) is not reachable: ECONNREFUSED/,
    );
  });

  test("a listening API server passes", async () => {
    const s = createServer((c) => c.end());
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    try {
      assert.equal(await probeServer(`https://127.0.0.1:${port}`), undefined);
      const t = await checkCluster({ kubeconfig: writeKubeconfig(`https://127.0.0.1:${port}`) });
      assert.equal(t.context, "kind-relayminer");
    } finally {
      s.close();
    }
  });
});
