/**
 * The real node works as the localnet needs it: a pod with an httpGet readiness probe becomes
 * Ready, a StatefulSet with init containers under a headless Service gets stable DNS names that
 * resolve from a pod, kubectl port-forward works on 127.0.0.1, pods have no way off the machine,
 * and teardown leaves nothing behind. Prints the timings.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildImages } from "../../../tools/images/build";
import { freePorts, httpGet, Scratch, waitFor } from "../support";
import { NODE_NETWORK } from "./network";
import { lastTeardownStepsMs, startNode, type RealNode } from "./node";

const ns = "smoke";

function manifest(busybox: string): string {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: ns, labels: { app: "web" } },
    spec: {
      containers: [
        {
          name: "web",
          image: busybox,
          imagePullPolicy: "Never",
          command: ["sh", "-c", "mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 8080 -h /www"],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: ns },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
  const headless = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "x", namespace: ns },
    spec: { clusterIP: "None", selector: { app: "x" }, ports: [{ name: "http", port: 8080 }] },
  };
  const sts = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "x", namespace: ns },
    spec: {
      serviceName: "x",
      replicas: 2,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: { app: "x" } },
      template: {
        metadata: { labels: { app: "x" } },
        spec: {
          terminationGracePeriodSeconds: 1,
          initContainers: [
            { name: "first", image: busybox, imagePullPolicy: "Never", command: ["sh", "-c", "echo first > /work/order"], volumeMounts: [{ name: "work", mountPath: "/work" }] },
            {
              name: "second",
              image: busybox,
              imagePullPolicy: "Never",
              command: ["sh", "-c", "grep -q first /work/order && echo second >> /work/order"],
              volumeMounts: [{ name: "work", mountPath: "/work" }],
            },
          ],
          containers: [
            {
              name: "main",
              image: busybox,
              imagePullPolicy: "Never",
              command: ["sh", "-c", "cp /work/order /tmp/order; trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"],
              readinessProbe: { exec: { command: ["sh", "-c", "grep -q second /tmp/order"] }, periodSeconds: 1 },
              volumeMounts: [{ name: "work", mountPath: "/work" }],
            },
          ],
          volumes: [{ name: "work", emptyDir: {} }],
        },
      },
    },
  };
  return [pod, service, headless, sts].map((o) => JSON.stringify(o)).join("\n");
}

describe("a real node (kubelet, containerd, CNI bridge, kube-proxy, CoreDNS)", { timeout: 15 * 60_000 }, () => {
  const scratch = new Scratch();
  let node: RealNode | undefined;
  let leftAfterTeardown: string[] | undefined;
  let busyboxRef = "";
  const tStart = Date.now();

  before(async () => {
    const [pause, busybox] = await buildImages(["pause", "busybox"]);
    node = await startNode(scratch, { images: [pause.archive, busybox.archive], sandboxImage: pause.ref });
    const t = node.timings;
    console.log(
      `# node timings: images imported ${t.importMs} ms, control plane up ${t.controlPlaneMs} ms, node Ready ${t.nodeReadyMs} ms after kubelet start, node ready in total ${t.totalMs} ms`,
    );
    node.kubectl(["create", "namespace", ns]);
    busyboxRef = busybox.ref;
  });

  after(async () => {
    if (node && !leftAfterTeardown) node.teardown();
    await scratch.cleanup();
  });

  test("a pod with an httpGet readiness probe, and a 2-pod StatefulSet with init containers, become Ready", async () => {
    const n = node!;
    const t0 = Date.now();
    n.kubectl(["apply", "-f", "-"], { input: manifest(busyboxRef) });
    const ready = async (pod: string) => {
      const out = n.kubectl(["get", "pod", "-n", ns, pod, "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], { allowFail: true });
      return out.startsWith("True") ? Date.now() - t0 : undefined;
    };
    const webMs = await waitFor("pod web Ready", () => ready("web"), 120_000, 200);
    const stsMs = Math.max(await waitFor("pod x-0 Ready", () => ready("x-0"), 120_000, 200), await waitFor("pod x-1 Ready", () => ready("x-1"), 120_000, 200));
    console.log(`# pod timings: web (httpGet probe) Ready ${webMs} ms after apply, StatefulSet x (2 pods, 2 init containers each) Ready ${stsMs} ms`);
    const rss = n.rssMiB();
    const total = Object.values(rss).reduce((a, b) => a + b, 0);
    console.log(
      `# node RSS ${total.toFixed(0)} MiB with 3 pods: ${Object.entries(rss)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(", ")}`,
    );
    // The init containers ran in order (the second checked the first's output).
    for (const p of ["x-0", "x-1"]) {
      assert.equal(n.kubectl(["exec", "-n", ns, p, "-c", "main", "--", "cat", "/tmp/order"]).trim(), "first\nsecond");
    }
    const ip = n.kubectl(["get", "pod", "-n", ns, "web", "-o", "jsonpath={.status.podIP}"]).trim();
    assert.match(ip, /^10\.213\.\d+\.\d+$/, "pod IP from the pod range");
  });

  test("x-0.x.<ns>.svc.cluster.local resolves from a pod to x-0's IP, through the cluster DNS", () => {
    const n = node!;
    const x0 = n.kubectl(["get", "pod", "-n", ns, "x-0", "-o", "jsonpath={.status.podIP}"]).trim();
    const out = n.kubectl(["exec", "-n", ns, "web", "--", "nslookup", `x-0.x.${ns}.svc.cluster.local`]);
    assert.match(out, new RegExp(`Address:?\\s+${x0.replace(/\./g, "\\.")}\\b`), out);
    const resolv = n.kubectl(["exec", "-n", ns, "web", "--", "cat", "/etc/resolv.conf"]);
    assert.deepEqual(
      [...resolv.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]),
      [NODE_NETWORK.dnsServiceIp],
      resolv,
    );
  });

  test("a pod reaches another through a ClusterIP Service by name (kube-proxy's rules on the bridge)", () => {
    const n = node!;
    const body = n.kubectl(["exec", "-n", ns, "x-1", "-c", "main", "--", "wget", "-qO-", `http://web.${ns}.svc.cluster.local/`]);
    assert.equal(body.trim(), "hello-from-pod");
  });

  test("pods have no way off the machine: no default route, names outside the cluster do not resolve", () => {
    const n = node!;
    const routes = n.kubectl(["exec", "-n", ns, "web", "--", "ip", "route"]);
    assert.doesNotMatch(routes, /^default/m, routes);
    assert.match(routes, /10\.214\.0\.0\/16 via 10\.213\.0\.1/, routes);
    const outside = n.kubectl(["exec", "-n", ns, "web", "--", "nslookup", "example.com"], { allowFail: true });
    assert.doesNotMatch(outside, /Address:?\s+(?!10\.214\.0\.10)\d+\.\d+\.\d+\.\d+/, outside);
  });

  test("kubectl port-forward on 127.0.0.1 reaches the pod's server", async () => {
    const n = node!;
    const [local] = await freePorts(1);
    const pf = n.kubectlProcess("port-forward", ["port-forward", "-n", ns, "--address", "127.0.0.1", "pod/web", `${local}:8080`]);
    try {
      const res = await waitFor(
        "the port-forward to answer",
        async () => {
          const r = await httpGet(`http://127.0.0.1:${local}/`);
          return r?.status === 200 ? r : undefined;
        },
        30_000,
        200,
        pf,
      );
      assert.equal(res.body.trim(), "hello-from-pod");
    } finally {
      await pf.stop();
    }
  });

  test("teardown leaves no process, mount, link, netns, iptables rule, cgroup or sysctl change behind", () => {
    leftAfterTeardown = node!.teardown();
    const steps = Object.entries(lastTeardownStepsMs)
      .filter(([, ms]) => ms >= 100)
      .map(([k, ms]) => `${k} ${ms} ms`)
      .join(", ");
    console.log(`# teardown: ${leftAfterTeardown.length} leftovers (${steps}); whole run ${Date.now() - tStart} ms`);
    assert.deepEqual(leftAfterTeardown, []);
  });
});
