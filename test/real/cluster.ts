/**
 * A real Kubernetes control plane without Docker, for cluster.real.test.ts: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler built from source by `npm run tools:build-cluster`
 * (tools/cluster/build.sh), plus kwok faking one Node and the Pod lifecycle (scheduled Pods become
 * Running/Ready with an IP; no container runs). Every process is on 127.0.0.1 free ports with temp
 * dirs owned by the test's Scratch, so cleanup() stops and removes all of it.
 *
 * Auth is deliberately minimal: a static bearer token (system:masters) and AlwaysAllow; the server
 * uses the self-signed serving cert kube-apiserver generates, so clients skip TLS verification.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { freePorts, repoRoot, waitFor, type Proc, type Scratch } from "./support";
import { cachedBinDir } from "../../tools/paths";

export const CLUSTER_BINARIES = ["etcd", "kwok", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
export type ClusterBinary = (typeof CLUSTER_BINARIES)[number];
const CONTROL_PLANE_BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
type ControlPlaneBinary = (typeof CONTROL_PLANE_BINARIES)[number];

const VERSIONS_FILE = join(repoRoot, "tools", "cluster", "versions.env");

/** Where tools/cluster/build.sh puts the binaries (same cache layout as tools/build.sh). */
export function clusterBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return cachedBinDir(VERSIONS_FILE, "cluster", "RELAYMINER_CLUSTER_DIR", env);
}

/** Path of a cluster binary; throws (the test fails, never skips) when it has not been built. */
export function clusterBinary(name: ClusterBinary): string {
  const p = join(clusterBinDir(), name);
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(`${name} is not built (looked for ${p}): run npm run tools:build-cluster`);
  }
  return p;
}

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
}

export interface Cluster {
  server: string;
  token: string;
  kubeconfig: string;
  /** The processes started (kwok only with the fake node). */
  procs: Partial<Record<ClusterBinary, Proc>>;
  /** A request to the API server (JSON in and out). */
  api: (method: string, path: string, body?: unknown, contentType?: string) => Promise<ApiResponse>;
  /** GET that must return 200. */
  get: (path: string) => Promise<any>;
}

function apiRequest(server: string, token: string, method: string, path: string, body?: unknown, contentType = "application/json"): Promise<ApiResponse> {
  const url = new URL(path, server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        rejectUnauthorized: false,
        timeout: 15_000,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(payload ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: any = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

function kubeconfigYaml(server: string, token: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: rml-real",
    "  cluster:",
    `    server: ${server}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: rml-admin",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: rml-real",
    "  context:",
    "    cluster: rml-real",
    "    user: rml-admin",
    "current-context: rml-real",
    "",
  ].join("\n");
}

export interface ControlPlaneOptions {
  readyTimeoutMs?: number;
  /** Service ClusterIP range (default 10.96.0.0/16; nothing routes it unless a node does). */
  serviceCidr?: string;
  /** More kube-apiserver flags (a real node needs some). */
  apiserverArgs?: string[];
  /** Directory for the control plane's files (default: a new temp dir of the Scratch). */
  dir?: string;
}

/** Starts etcd → kube-apiserver → controller-manager + scheduler + kwok, and one Ready fake Node. */
export async function startCluster(scratch: Scratch, opts: ControlPlaneOptions = {}): Promise<Cluster> {
  // kwok's stages (how Nodes and Pods change state), taken from the kwok module by the build.
  const kwokStages = join(clusterBinDir(), "kwok-stages.yaml");
  if (!existsSync(kwokStages)) throw new Error(`kwok-stages.yaml is not built (looked for ${kwokStages}): run npm run tools:build-cluster`);
  const kwok = clusterBinary("kwok");
  const timeout = opts.readyTimeoutMs ?? 60_000;
  const cluster = await startControlPlane(scratch, opts);
  const { api, get, procs, kubeconfig } = cluster;
  const [kwokPort] = await freePorts(1);
  procs.kwok = scratch.start(
    "kwok",
    kwok,
    [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokStages}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--cidr=10.244.0.0/16",
      "--node-ip=10.0.0.2",
      `--server-address=127.0.0.1:${kwokPort}`,
    ],
    { logFile: join(cluster.dir, "kwok.log") },
  );

  // One fake Node with room for everything; no taint, so workloads schedule onto it unchanged.
  const resources = { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "500Gi" };
  const node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: "kwok-node-0",
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/hostname": "kwok-node-0", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
    },
    status: { allocatable: resources, capacity: resources },
  };
  const created = await api("POST", "/api/v1/nodes", node);
  if (created.status !== 201) throw new Error(`creating the fake Node: HTTP ${created.status}: ${created.text.slice(0, 400)}`);
  await waitFor(
    "the kwok Node to be Ready",
    async () => {
      const n = await get("/api/v1/nodes/kwok-node-0");
      const ready = (n.status?.conditions ?? []).find((c: any) => c.type === "Ready");
      return ready?.status === "True" && n.status?.allocatable?.pods ? true : undefined;
    },
    timeout,
    250,
    procs.kwok,
  );
  await waitForDefaultServiceAccount(cluster, timeout);
  return cluster;
}

/** The default ServiceAccount (from the controller-manager) must exist before Pods can be created. */
export async function waitForDefaultServiceAccount(cluster: Cluster, timeoutMs: number): Promise<void> {
  await waitFor(
    "ServiceAccount default/default",
    async () => {
      const r = await cluster.api("GET", "/api/v1/namespaces/default/serviceaccounts/default");
      return r.status === 200 ? true : undefined;
    },
    timeoutMs,
    250,
    cluster.procs["kube-controller-manager"],
  );
}

/** Starts etcd → kube-apiserver → controller-manager + scheduler (no node). */
export async function startControlPlane(scratch: Scratch, opts: ControlPlaneOptions = {}): Promise<Cluster & { dir: string }> {
  const bins = Object.fromEntries(CONTROL_PLANE_BINARIES.map((b) => [b, clusterBinary(b)])) as Record<ControlPlaneBinary, string>;
  const timeout = opts.readyTimeoutMs ?? 60_000;
  const serviceCidr = opts.serviceCidr ?? "10.96.0.0/16";
  const dir = opts.dir ?? scratch.dir("cluster");
  mkdirSync(dir, { recursive: true });
  const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort] = await freePorts(5);
  const token = randomBytes(16).toString("hex");
  const server = `https://127.0.0.1:${apiPort}`;
  const log = (n: string) => join(dir, `${n}.log`);

  // Files: token auth, service-account signing key (PKCS#8 RSA), kubeconfig.
  writeFileSync(join(dir, "tokens.csv"), `${token},rml-admin,rml-admin,system:masters\n`, { mode: 0o600 });
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const saKey = join(dir, "sa.key");
  writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, kubeconfigYaml(server, token), { mode: 0o600 });

  const procs: Partial<Record<ClusterBinary, Proc>> = {};
  procs.etcd = scratch.start(
    "etcd",
    bins.etcd,
    [
      `--data-dir=${join(dir, "etcd-data")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    { logFile: log("etcd") },
  );
  await waitFor(
    "etcd /health",
    async () => {
      const res = await fetch(`http://127.0.0.1:${etcdClient}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    timeout,
    200,
    procs.etcd,
  );

  procs["kube-apiserver"] = scratch.start(
    "kube-apiserver",
    bins["kube-apiserver"],
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "apiserver-certs")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=AlwaysAllow",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      "--allow-privileged=true",
      "--enable-priority-and-fairness=false",
      "--v=1",
      ...(opts.apiserverArgs ?? []),
    ],
    { logFile: log("kube-apiserver") },
  );
  const api = (method: string, path: string, body?: unknown, contentType?: string) => apiRequest(server, token, method, path, body, contentType);
  await waitFor(
    "kube-apiserver /readyz",
    async () => {
      const r = await api("GET", "/readyz").catch(() => undefined);
      return r?.status === 200 ? true : undefined;
    },
    timeout,
    250,
    procs["kube-apiserver"],
  );

  const kcmCerts = join(dir, "kcm-certs");
  procs["kube-controller-manager"] = scratch.start(
    "kube-controller-manager",
    bins["kube-controller-manager"],
    [
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${kcmPort}`,
      `--cert-dir=${kcmCerts}`,
      `--service-account-private-key-file=${saKey}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      "--controllers=*",
      "--v=1",
    ],
    { logFile: log("kube-controller-manager") },
  );
  procs["kube-scheduler"] = scratch.start(
    "kube-scheduler",
    bins["kube-scheduler"],
    [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--bind-address=127.0.0.1", `--secure-port=${schedPort}`, `--cert-dir=${join(dir, "sched-certs")}`, "--v=1"],
    { logFile: log("kube-scheduler") },
  );
  const get = async (path: string) => {
    const r = await api("GET", path);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${r.text.slice(0, 400)}`);
    return r.body;
  };
  return { server, token, kubeconfig, procs, api, get, dir };
}
