/** pickTarget: which pod a forward goes to, from the pods a watch holds. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../components/k8s/rollout";
import type { ForwardSpec } from "../../components/topology/forwards";
import { pickTarget, sameTarget, serviceView } from "./follow";

const pod = (name: string, uid: string, ready: boolean, labels: Record<string, string> = { app: "backend" }, deleting = false): KubeObject => ({
  metadata: { name, uid, labels, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  spec: { containers: [{ name: "c", ports: [{ name: "http", containerPort: 8545 }] }] },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const spec = (resource: string, targetPort: number): ForwardSpec => ({ namespace: "ns", resource, hostPort: 18545, targetPort, url: "http://127.0.0.1:18545", name: "x" });
const service = serviceView({
  metadata: { name: "backend" },
  spec: {
    selector: { app: "backend" },
    ports: [
      { port: 8545, targetPort: "http" },
      { port: 9095, targetPort: 9095 },
    ],
  },
})!;

describe("pickTarget", () => {
  test("pod/<name>: that pod while it is Ready; its replacement (a new uid) once that is Ready", () => {
    const s = spec("pod/relayer-0", 8080);
    assert.deepEqual(pickTarget(s, [pod("relayer-0", "u1", true)], undefined), { pod: "relayer-0", uid: "u1", port: 8080 });
    assert.equal(pickTarget(s, [pod("relayer-0", "u1", true, {}, true)], undefined), undefined, "terminating");
    assert.equal(pickTarget(s, [pod("relayer-0", "u2", false)], undefined), undefined, "replacement not Ready yet");
    assert.deepEqual(pickTarget(s, [pod("relayer-0", "u2", true)], undefined), { pod: "relayer-0", uid: "u2", port: 8080 });
    assert.equal(pickTarget(s, [], undefined), undefined);
  });

  test("svc/<name>: a Ready pod the Service selects, on the port its targetPort names; the current one while it stays Ready", () => {
    const s = spec("svc/backend", 8545);
    const pods = [pod("backend-b", "ub", true), pod("backend-a", "ua", true), pod("other", "uo", true, { app: "x" })];
    assert.deepEqual(pickTarget(s, pods, service), { pod: "backend-a", uid: "ua", port: 8545 });
    const current = { pod: "backend-b", uid: "ub", port: 8545 };
    assert.deepEqual(pickTarget(s, pods, service, current), current, "a healthy forward is not moved");
    assert.deepEqual(pickTarget(s, [pod("backend-a", "ua", true), pod("backend-b", "ub", false)], service, current), { pod: "backend-a", uid: "ua", port: 8545 });
    assert.deepEqual(pickTarget(spec("svc/backend", 9095), pods, service), { pod: "backend-a", uid: "ua", port: 9095 });
    assert.equal(pickTarget(s, [pod("backend-a", "ua", false)], service), undefined);
    assert.equal(pickTarget(s, pods, undefined), undefined, "the Service could not be read");
  });

  test("sameTarget and serviceView", () => {
    assert.ok(sameTarget(undefined, undefined));
    assert.ok(!sameTarget({ pod: "a", uid: "1", port: 1 }, { pod: "a", uid: "2", port: 1 }));
    assert.equal(serviceView({ metadata: { name: "kube-dns" }, spec: { ports: [] } }), undefined, "a Service without a selector");
  });
});
