/**
 * The program's real `pulumi up` against a REAL Kubernetes API server (etcd + kube-apiserver +
 * kube-controller-manager + kube-scheduler built from source, kwok faking the Node and the Pod
 * lifecycle; test/real/cluster.ts). So the API server's own validation and admission see every
 * object, and the provider's await logic must be satisfied by real controllers: Deployments and
 * StatefulSets Available, Services with Endpoints, the Namespace. Then every Kubernetes resource
 * in the stack exists on the server, a second up changes nothing, and destroy removes it all.
 *
 * Needs `npm run tools:build` (pulumi, pulumi-resource-kubernetes) and
 * `npm run tools:build-cluster` (the control plane).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Stack } from "@pulumi/pulumi/automation";
import { offlineEngine, type Engine } from "./engine";
import { startCluster, type Cluster } from "./cluster";
import { Scratch } from "./support";

const NAMESPACE = "relayminer-localnet";
/** Small topology; everything else (redis standalone, backend, observability) at its defaults. */
const CONFIG: Record<string, string> = {
  "relayer.count": "1",
  "miner.count": "1",
  "observability.enabled": "true",
  // Exploration: RML_CLUSTER_CONFIG='{"redis.mode":"cluster"}' adds or overrides flat config keys.
  ...(process.env.RML_CLUSTER_CONFIG ? (JSON.parse(process.env.RML_CLUSTER_CONFIG) as Record<string, string>) : {}),
};
/** The repair-loop race warning (see the first up test): groups are the Service name and its IP. */
const CLUSTER_IP_RACE = /kubernetes:core\/v1:Service (\S+) creating .*warning: ClusterIPNotAllocated: Cluster IP \[IPv[46]\]: ?(\S+) is not allocated; repairing/;
/** Deadline for one `pulumi up`/`destroy` (the provider's own await timeout is 10 min; we stop far earlier). */
const OP_DEADLINE_MS = 150_000;

const noChange = (changes: Record<string, number> | undefined) => Object.entries(changes ?? {}).filter(([op, n]) => op !== "same" && n > 0);

/** Operations that must not appear in an update that is meant to happen in place. */
const REPLACING_OPS = ["replace", "create-replacement", "delete-replaced", "delete"];

interface K8sRes {
  urn: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Kubernetes objects of the stack (from its state), with the apiVersion/kind/name the provider wrote. */
async function stackObjects(stack: Stack): Promise<K8sRes[]> {
  const dep = await stack.exportStack();
  const out: K8sRes[] = [];
  for (const r of (dep.deployment?.resources ?? []) as any[]) {
    if (!String(r.type).startsWith("kubernetes:") || r.custom !== true || String(r.type).startsWith("pulumi:providers:")) continue;
    const o = r.outputs ?? {};
    if (!o.kind || !o.metadata?.name) continue;
    out.push({ urn: r.urn, apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
  }
  return out;
}

/** REST path of an object, with the plural from the server's own discovery. */
async function objectPath(cluster: Cluster, r: K8sRes, cache: Map<string, any>): Promise<string> {
  const base = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  if (!cache.has(base)) cache.set(base, await cluster.get(base));
  const res = (cache.get(base).resources as any[]).find((x) => x.kind === r.kind && !String(x.name).includes("/"));
  if (!res) throw new Error(`the server does not serve ${r.kind} in ${r.apiVersion}`);
  return `${base}${res.namespaced ? `/namespaces/${r.namespace ?? "default"}` : ""}/${res.name}/${r.name}`;
}

/** What is not ready in the namespace, for a failure message that names the blocking resource. */
async function diagnose(cluster: Cluster): Promise<string> {
  const lines: string[] = [];
  const list = async (path: string) => ((await cluster.api("GET", path)).body?.items ?? []) as any[];
  for (const d of await list(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`)) {
    const conds = (d.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}(${c.reason})`).join(",");
    lines.push(`Deployment ${d.metadata.name}: replicas=${d.status?.replicas ?? 0} ready=${d.status?.readyReplicas ?? 0} ${conds}`);
  }
  for (const s of await list(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`)) {
    lines.push(
      `StatefulSet ${s.metadata.name}: replicas=${s.status?.replicas ?? 0} ready=${s.status?.readyReplicas ?? 0} current=${s.status?.currentRevision} update=${s.status?.updateRevision}`,
    );
  }
  for (const p of await list(`/api/v1/namespaces/${NAMESPACE}/pods`)) {
    const conds = (p.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}`).join(",");
    lines.push(`Pod ${p.metadata.name}: node=${p.spec?.nodeName ?? "-"} phase=${p.status?.phase} ip=${p.status?.podIP ?? "-"} ${conds}`);
  }
  for (const e of await list(`/api/v1/namespaces/${NAMESPACE}/endpoints`)) {
    const n = (e.subsets ?? []).reduce((a: number, s: any) => a + (s.addresses?.length ?? 0), 0);
    const nr = (e.subsets ?? []).reduce((a: number, s: any) => a + (s.notReadyAddresses?.length ?? 0), 0);
    lines.push(`Endpoints ${e.metadata.name}: ready=${n} notReady=${nr}`);
  }
  for (const ev of (await list(`/api/v1/namespaces/${NAMESPACE}/events`)).filter((x) => x.type === "Warning").slice(-15)) {
    lines.push(`Warning event ${ev.involvedObject?.kind}/${ev.involvedObject?.name}: ${ev.reason}: ${ev.message}`);
  }
  return lines.join("\n");
}

describe("cluster: pulumi up of the program against a real kube-apiserver (kwok nodes)", { timeout: 300_000 }, () => {
  const scratch = new Scratch();
  let engine: Engine;
  let cluster: Cluster;
  let stack: Stack;
  let output = "";

  before(async () => {
    cluster = await startCluster(scratch);
    engine = await offlineEngine(scratch);
    stack = await engine.stack("real", { ...CONFIG, "kube.kubeconfig": cluster.kubeconfig });
  });
  after(async () => {
    if (process.env.RML_CLUSTER_DEBUG && cluster) console.log(await diagnose(cluster).catch((e) => String(e)));
    await scratch.cleanup();
  });

  /**
   * A stack operation with a deadline. On expiry it aborts the operation (SIGINT to the CLI, which
   * stops its plugins), waits for it to end, and fails naming what is not ready on the server.
   */
  async function withDeadline<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, OP_DEADLINE_MS);
    try {
      return await op(ac.signal);
    } catch (e) {
      const why = await diagnose(cluster).catch((x) => `(diagnose failed: ${x})`);
      const head = timedOut ? `pulumi ${what} did not finish within ${OP_DEADLINE_MS} ms (aborted)` : (e as Error).message;
      throw new Error(`${head}\nCluster state:\n${why}\nLast output:\n${output.slice(-4000)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }
  const upWithDeadline = () => {
    output = "";
    return withDeadline("up", (signal) =>
      stack.up({
        onOutput: (s) => {
          output += s;
        },
        signal,
      }),
    );
  };
  /** `pulumi up`, returning its count per operation. */
  const upChanges = async (): Promise<Record<string, number>> => ({ ...(await upWithDeadline()).summary.resourceChanges });
  const assertNone = (changes: Record<string, number>, ops: string[], during: string) => {
    for (const op of ops) assert.equal(changes[op] ?? 0, 0, `${op} during ${during}: ${JSON.stringify(changes)}\n${output.slice(-3000)}`);
  };
  /**
   * `pulumi preview --expect-no-changes`; on a proposed change it fails with the detailed diff and
   * the live object, so a flaky diff can be told apart from a real one.
   */
  const expectNoChanges = async () => {
    let diff = "";
    try {
      await stack.preview({
        expectNoChanges: true,
        diff: true,
        onOutput: (s) => {
          diff += s;
        },
      });
    } catch (e) {
      const changed = [...diff.matchAll(/^\s*[~+-]+\s+kubernetes:\S+ (\S+)/gm)].map((m) => m[1]);
      const objs = changed.length ? await stackObjects(stack) : [];
      const cache = new Map<string, any>();
      const live: string[] = [];
      for (const logical of changed) {
        const o = objs.find((x) => x.urn.endsWith(`::${logical}`));
        if (o) live.push(JSON.stringify((await cluster.api("GET", await objectPath(cluster, o, cache))).body));
      }
      throw new Error(`changes proposed where none were expected:\n${diff.slice(-6000)}\nlive:\n${live.join("\n")}\n${(e as Error).message.slice(0, 300)}`, { cause: e });
    }
  };
  /** The later tests need the first up; without it they would each wait out the deadline. */
  let firstUpOk = false;
  const needsFirstUp = (t: { skip(msg: string): void }) => {
    if (!firstUpOk) t.skip("the first pulumi up did not succeed");
    return !firstUpOk;
  };

  test("the server reports the pinned Kubernetes version", async () => {
    const v = await cluster.get("/version");
    assert.equal(`${v.major}.${v.minor}`, "1.34", JSON.stringify(v));
    assert.match(v.gitVersion, /^v1\.34\./);
  });

  test("pulumi up completes: every await is satisfied by real controllers", async () => {
    const t0 = Date.now();
    const r = await upWithDeadline();
    console.log(`first up: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(r.summary.resourceChanges)}`);
    assert.equal(r.summary.result, "succeeded", output.slice(-4000));
    assert.ok((r.summary.resourceChanges?.create ?? 0) > 20, JSON.stringify(r.summary.resourceChanges));
    // The API server's warnings (deprecated APIs, unknown or duplicate fields, ...) reach the
    // engine output as "warning:" diagnostics; our objects must draw none. Expected and ignored:
    // the ambient-plugin notes (tools/versions.env: the provider binary is 4.25.0, the SDK asks for
    // 4.32.0) and the awaiter's transient progress note while a Deployment's pods start.
    const expected = [
      /using pulumi-resource-kubernetes from \$PATH/,
      /resource plugin kubernetes is expected to have version >=[\d.]+, but has 4\.25\.0/,
      /\[MinimumReplicasUnavailable\] Deployment does not have minimum availability/,
    ];
    const lines = output.split("\n").filter((l) => /\bwarning:/i.test(l) && !expected.some((re) => re.test(l)));
    // One warning is the control plane's own race, not our objects: the API server's ClusterIP
    // repair loop can see a new Service in its informer before the IPAddress allocated with it,
    // and emits "ClusterIPNotAllocated ... repairing". Accepted only when the allocation is in
    // fact sound afterwards: the IPAddress object exists and points at that very Service.
    const raced = lines.map((l) => ({ l, m: CLUSTER_IP_RACE.exec(l) })).filter((x) => x.m);
    const objs = raced.length ? await stackObjects(stack) : [];
    for (const { l, m } of raced) {
      const [, logical, ip] = m!;
      // The engine line names the Pulumi resource; the Service's own name comes from the state.
      const service = objs.find((o) => o.kind === "Service" && o.urn.endsWith(`::${logical}`))?.name;
      assert.ok(service, `${l}\nno Service resource ${logical} in the stack state`);
      const svc = await cluster.get(`/api/v1/namespaces/${NAMESPACE}/services/${service}`);
      assert.ok((svc.spec.clusterIPs ?? [svc.spec.clusterIP]).includes(ip), `${l}\nService ${service} has clusterIPs ${svc.spec.clusterIPs}`);
      const addr = await cluster.get(`/apis/networking.k8s.io/v1/ipaddresses/${ip}`);
      assert.deepEqual(
        { resource: addr.spec?.parentRef?.resource, namespace: addr.spec?.parentRef?.namespace, name: addr.spec?.parentRef?.name },
        { resource: "services", namespace: NAMESPACE, name: service },
        `${l}\nthe IPAddress ${ip} does not belong to Service ${service}`,
      );
      console.log(`control-plane race, allocation verified sound: Service ${service} ${ip}`);
    }
    const warnings = lines.filter((l) => !CLUSTER_IP_RACE.test(l));
    assert.deepEqual(warnings, [], "warnings during pulumi up");
    firstUpOk = true;
  });

  test("every Kubernetes resource of the stack exists on the server", async (t) => {
    if (needsFirstUp(t)) return;
    const objs = await stackObjects(stack);
    assert.ok(objs.length > 20, `only ${objs.length} Kubernetes objects in the state`);
    const cache = new Map<string, any>();
    const missing: string[] = [];
    for (const o of objs) {
      const r = await cluster.api("GET", await objectPath(cluster, o, cache));
      if (r.status !== 200) missing.push(`${o.kind} ${o.namespace ?? ""}/${o.name}: HTTP ${r.status}`);
    }
    assert.deepEqual(missing, []);
    const kinds = new Set(objs.map((o) => o.kind));
    for (const k of ["Namespace", "StatefulSet", "Deployment", "Service", "ConfigMap", "Secret"]) assert.ok(kinds.has(k), `no ${k} in the stack`);
    // The controllers really did their part: every Deployment/StatefulSet is ready, every selector
    // Service has ready endpoints.
    const deps = (await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`)).items as any[];
    const sts = (await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`)).items as any[];
    for (const w of [...deps, ...sts]) {
      assert.equal(w.status?.readyReplicas ?? 0, w.spec.replicas ?? 1, `${w.kind ?? "workload"} ${w.metadata.name} not ready`);
    }
    const svcs = (await cluster.get(`/api/v1/namespaces/${NAMESPACE}/services`)).items as any[];
    for (const s of svcs.filter((x) => x.spec.selector && x.spec.clusterIP !== "None")) {
      const ep = await cluster.get(`/api/v1/namespaces/${NAMESPACE}/endpoints/${s.metadata.name}`);
      const n = (ep.subsets ?? []).reduce((a: number, x: any) => a + (x.addresses?.length ?? 0), 0);
      assert.ok(n > 0, `Service ${s.metadata.name} has no ready endpoints`);
    }
  });

  test("a second pulumi up changes nothing", async (t) => {
    if (needsFirstUp(t)) return;
    const r = await upWithDeadline();
    assert.deepEqual(noChange(r.summary.resourceChanges), [], JSON.stringify(r.summary.resourceChanges));
    await expectNoChanges();
  });

  test("scaling relayers updates in place: nothing is replaced, the StatefulSet rolls to the new size", async (t) => {
    if (needsFirstUp(t)) return;
    const before = await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/relayer`);
    const count = (before.spec.replicas as number) + 1;
    await stack.setConfig("relayer.count", { value: String(count) });
    const changes = await upChanges();
    // Prometheus's per-pod targets change with the count, so its ConfigMap changes too: it must be
    // updated, not replaced (a replacement would recreate the Prometheus Deployment with it).
    assertNone(changes, [...REPLACING_OPS, "create"], "a scale-up");
    assert.ok((changes.update ?? 0) >= 2, JSON.stringify(changes));
    const after = await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/relayer`);
    assert.equal(after.metadata.uid, before.metadata.uid, "the relayer StatefulSet was recreated");
    assert.equal(after.spec.replicas, count);
    assert.equal(after.status?.readyReplicas, count, "the new relayer is not ready");
    const prom = await cluster.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/prometheus-config`);
    assert.match(prom.data["prometheus.yml"], new RegExp(`relayer-${count - 1}\\.`), "Prometheus does not scrape the new relayer");
    await expectNoChanges();
  });

  test("switching redis.mode to cluster updates in place: only the cluster-forming Job and its script are new, and it re-runs when Redis pods are recreated", async (t) => {
    if (needsFirstUp(t) || CONFIG["redis.mode"] === "cluster") return;
    const before = await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/redis`);
    await stack.setConfig("redis.mode", { value: "cluster" });
    const changes = await upChanges();
    console.log(`redis.mode switch: ${JSON.stringify(changes)}`);
    assertNone(changes, REPLACING_OPS, "the mode switch");
    assert.equal(changes.create ?? 0, 2, `the Job and the redis-scripts ConfigMap it mounts: ${JSON.stringify(changes)}`);
    await cluster.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/redis-scripts`);
    const after = await cluster.get(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/redis`);
    assert.equal(after.metadata.uid, before.metadata.uid, "the redis StatefulSet was recreated");
    assert.ok(after.spec.replicas > 1 && after.status?.readyReplicas === after.spec.replicas, JSON.stringify(after.status));
    const job = await cluster.get(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/redis-cluster-create`);
    assert.equal(job.status?.succeeded, 1, JSON.stringify(job.status));
    await expectNoChanges();

    // A change that recreates the Redis pods must run the cluster Job again (a new Job object).
    await stack.setConfig("redis.maxMemoryMb", { value: "512" });
    const again = await upChanges();
    assert.equal(again.replace ?? 0, 1, `only the Job is replaced: ${JSON.stringify(again)}`);
    const rerun = await cluster.get(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/redis-cluster-create`);
    assert.notEqual(rerun.metadata.uid, job.metadata.uid, "the cluster Job did not run again");
    assert.equal(rerun.status?.succeeded, 1, JSON.stringify(rerun.status));
  });

  test("pulumi destroy removes every object", async (t) => {
    if (needsFirstUp(t)) return;
    const objs = await stackObjects(stack);
    const cache = new Map<string, any>();
    const paths = await Promise.all(objs.map(async (o) => ({ o, path: await objectPath(cluster, o, cache) })));
    const t0 = Date.now();
    output = "";
    const r = await withDeadline("destroy", (signal) =>
      stack.destroy({
        onOutput: (s) => {
          output += s;
        },
        signal,
      }),
    );
    console.log(`destroy: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(r.summary.resourceChanges)}`);
    assert.equal(r.summary.result, "succeeded");
    const left: string[] = [];
    for (const { o, path } of paths) {
      const g = await cluster.api("GET", path);
      if (g.status !== 404) left.push(`${o.kind} ${o.namespace ?? ""}/${o.name}: HTTP ${g.status}${g.body?.metadata?.deletionTimestamp ? " (terminating)" : ""}`);
    }
    assert.deepEqual(left, []);
    assert.equal((await stackObjects(stack)).length, 0);
  });
});
