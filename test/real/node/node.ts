/**
 * A real Kubernetes node on this machine, for the pods tier: the control plane of cluster.ts, plus
 * containerd (Debian) with the CNI bridge, CoreDNS, kube-proxy and the kubelet (tools/node), and
 * the test images imported into containerd. Pods really run.
 *
 * One node at a time per machine (it owns the bridge and the kube-dns address). Start records
 * what the machine looked like in /run; teardown (also run on failure, on exit and on SIGINT or
 * SIGTERM, and by the next start when a test process was killed) puts it back and reports what it
 * could not remove.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane, waitForDefaultServiceAccount, type Cluster } from "../cluster";
import { freePorts, run, waitFor, type Proc, type Scratch } from "../support";
import { nodeBinary } from "../../../tools/node/paths";
import { blockedRegistryHosts, BLOCKED_REGISTRIES, containerdConfig, corefile, kubeDnsObjects, kubeletConfig, kubeProxyArgs, podResolvConf, type NodeLayout } from "./configs";
import { captureHostState, leftovers, processesMentioning, type HostState } from "./host-state";
import { applyIsolation, cniConflist, createBridge, NODE_NETWORK, networkConflicts, sh } from "./network";
import { alive, readNodeState, teardownNode, writeNodeState, type NodeRunState } from "./teardown";
import { startDocker, type NodeDocker } from "./docker";

export const NODE_NAME = "rml-node";
/** Where the node's kubelet writes pod logs: the standard place kind, minikube and Docker Desktop keep. */
export const POD_LOGS_DIR = "/var/log/pods";

export interface NodeTimings {
  /** Start to API server ready. */
  controlPlaneMs: number;
  /** Kubelet start to Node Ready. */
  nodeReadyMs: number;
  /** Images imported into containerd. */
  importMs: number;
  totalMs: number;
}

export interface RealNode {
  cluster: Cluster;
  kubeconfig: string;
  timings: NodeTimings;
  runDir: string;
  /** kubectl against this node (throws with its output on failure). */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number; allowFail?: boolean }): string;
  /** Starts a long-running kubectl (port-forward, logs -f); it is stopped at teardown. */
  kubectlProcess(name: string, args: string[]): Proc;
  /** Imports docker-archive tarballs into containerd's k8s.io namespace. */
  importImages(archives: string[]): void;
  /** crictl against the node's containerd (JSON-producing subcommands: add -o json). */
  crictl(args: string[]): string;
  /** Host pid of a running container's first process (to look at it from outside). */
  containerPid(namespace: string, pod: string, container: string): number;
  /** Resident memory of the node's processes (MiB), by program (shims and containers summed). */
  rssMiB(): Record<string, number>;
  /** The Docker engine and registry (with `docker: true`). */
  docker?: NodeDocker;
  /** Takes everything down; returns what is left on the machine (empty when clean). */
  teardown(): string[];
}

export interface NodeOptions {
  /** docker-archives imported before the kubelet starts (the pause image must be among them). */
  images: string[];
  /** The sandbox image's ref (the pause image's tag). */
  sandboxImage: string;
  readyTimeoutMs?: number;
  /** Also run a Docker engine and a registry on 127.0.0.1 that the node pulls `localhost:<port>/...` from. */
  docker?: boolean;
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new Error("a real node needs root (bridges, iptables, mounts, cgroups)");
  for (const c of ["containerd", "containerd-shim-runc-v2", "runc", "ctr", "iptables-restore", "ip6tables-restore", "ip"]) {
    if (sh("sh", ["-c", `command -v ${c}`], { allowFail: true }).status !== 0) {
      throw new Error(`${c} is not installed: run npm run tools:build-node (it installs the Debian packages)`);
    }
  }
  const conflicts = networkConflicts();
  if (conflicts.length) throw new Error(`the node's address ranges collide with this machine's network: ${conflicts.join("; ")}`);
}

/** A run whose owner died leaves a record: clean up after it; a live owner means the node is busy. */
export function sweepStaleRun(): void {
  const stale = readNodeState();
  if (!stale) return;
  if (stale.ownerPid !== process.pid && alive(stale.ownerPid)) {
    throw new Error(`another real node is running (test process ${stale.ownerPid}, ${stale.runDir}); one node at a time`);
  }
  const { problems } = teardownNode(stale);
  const left = leftovers(stale.before, captureHostState(), stale.runDir, stale.cgroupRoot);
  if (left.length) throw new Error(`a previous node run (${stale.runDir}) left things that could not be removed:\n${[...problems, ...left].join("\n")}`);
}

let activeState: NodeRunState | undefined;
let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const down = () => {
    if (activeState) {
      const s = activeState;
      activeState = undefined;
      teardownNode(s);
    }
  };
  process.once("exit", down);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      down();
      process.exit(128 + (sig === "SIGINT" ? 2 : 15));
    });
  }
}

export async function startNode(scratch: Scratch, opts: NodeOptions): Promise<RealNode> {
  const t0 = Date.now();
  const timeout = opts.readyTimeoutMs ?? 90_000;
  preflight();
  sweepStaleRun();

  const before: HostState = captureHostState();
  const runDir = mkdtempSync(join(tmpdir(), "rml-node-"));
  const cgroupRoot = `rml-node-${runDir.slice(-6)}`;
  const layout: NodeLayout = {
    runDir,
    containerdRoot: join(runDir, "containerd", "root"),
    containerdState: join(runDir, "containerd", "state"),
    containerdSocket: join(runDir, "containerd", "containerd.sock"),
    cniConfDir: join(runDir, "cni", "net.d"),
    registryHostsDir: join(runDir, "containerd", "certs.d"),
    kubeletRoot: join(runDir, "kubelet"),
    // The kubelet's default, where a real cluster's log collector (the localnet's DaemonSet) reads
    // them; teardown removes what the run wrote there (host-state.ts watches the tree).
    podLogsDir: POD_LOGS_DIR,
    resolvConf: join(runDir, "resolv.conf"),
    cgroupRoot,
    sandboxImage: opts.sandboxImage,
  };
  const state: NodeRunState = {
    ownerPid: process.pid,
    runDir,
    cgroupRoot,
    containerdSocket: layout.containerdSocket,
    crictl: nodeBinary("crictl"),
    before,
    pids: [],
  };
  writeNodeState(state);
  activeState = state;
  installExitHandlers();
  const track = (p: Proc) => {
    if (p.child.pid) state.pids.push(p.child.pid);
    writeNodeState(state);
    return p;
  };
  const start = (name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) => track(scratch.start(name, cmd, args, { logFile: join(runDir, `${name}.log`), env }));

  try {
    const [dnsPort, dnsHealth, dnsReady, kubeletPort, kubeletHealthz, proxyHealthz, proxyMetrics, closedPort, registryPort] = await freePorts(9);

    for (const d of [layout.cniConfDir, layout.kubeletRoot, layout.podLogsDir, join(runDir, "cni", "ipam")]) mkdirSync(d, { recursive: true });
    for (const h of readdirCgroupHierarchies()) mkdirSync(join("/sys/fs/cgroup", h, cgroupRoot), { recursive: true });
    createBridge();
    applyIsolation(dnsPort);
    writeFileSync(join(layout.cniConfDir, "10-rml-pods.conflist"), cniConflist(join(runDir, "cni", "ipam")));
    writeFileSync(layout.resolvConf, podResolvConf());
    for (const host of BLOCKED_REGISTRIES) {
      mkdirSync(join(layout.registryHostsDir, host), { recursive: true });
      writeFileSync(join(layout.registryHostsDir, host, "hosts.toml"), blockedRegistryHosts(closedPort));
    }
    const docker = opts.docker
      ? await startDocker({ runDir, cgroupRoot, registryPort, closedPort, registryHostsDir: layout.registryHostsDir, start, timeoutMs: timeout })
      : undefined;
    const containerdToml = join(runDir, "containerd.toml");
    writeFileSync(containerdToml, containerdConfig(layout));

    const containerd = start("containerd", "containerd", ["--config", containerdToml]);
    const ctr = (args: string[], timeoutMs = 120_000) => run("ctr", ["--address", layout.containerdSocket, "--namespace", "k8s.io", ...args], { timeoutMs });
    await waitFor(
      "containerd",
      async () => (run("ctr", ["--address", layout.containerdSocket, "version"], { allowFail: true }).status === 0 ? true : undefined),
      timeout,
      200,
      containerd,
    );

    const importImages = (archives: string[]) => {
      for (const a of archives) ctr(["images", "import", a]);
    };
    const tImport = Date.now();
    importImages(opts.images);
    const importMs = Date.now() - tImport;

    const tCp = Date.now();
    const cluster = await startControlPlane(scratch, {
      readyTimeoutMs: timeout,
      dir: join(runDir, "cluster"),
      serviceCidr: NODE_NETWORK.serviceCidr,
      // Logs, exec and port-forward reach the kubelet at the node's IP, never through name lookup.
      apiserverArgs: ["--kubelet-preferred-address-types=InternalIP"],
    });
    for (const p of Object.values(cluster.procs)) if (p) track(p);
    const controlPlaneMs = Date.now() - tCp;

    const dns = kubeDnsObjects(dnsPort);
    for (const [path, obj] of [
      ["/api/v1/namespaces/kube-system/services", dns.service],
      ["/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices", dns.endpointSlice],
    ] as const) {
      const r = await cluster.api("POST", path, obj);
      if (r.status !== 201) throw new Error(`creating ${path}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
    }
    const corefilePath = join(runDir, "Corefile");
    writeFileSync(corefilePath, corefile({ dnsPort, healthPort: dnsHealth, readyPort: dnsReady, kubeconfig: cluster.kubeconfig, context: "rml-real" }));
    const coredns = start("coredns", nodeBinary("coredns"), ["-conf", corefilePath]);
    start("kube-proxy", nodeBinary("kube-proxy"), kubeProxyArgs({ kubeconfig: cluster.kubeconfig, nodeName: NODE_NAME, healthzPort: proxyHealthz, metricsPort: proxyMetrics }));

    const kubeletYaml = join(runDir, "kubelet.yaml");
    writeFileSync(kubeletYaml, kubeletConfig(layout, { port: kubeletPort, healthzPort: kubeletHealthz }));
    const tKubelet = Date.now();
    const kubelet = start("kubelet", nodeBinary("kubelet"), [
      `--config=${kubeletYaml}`,
      `--kubeconfig=${cluster.kubeconfig}`,
      `--root-dir=${layout.kubeletRoot}`,
      `--cert-dir=${join(layout.kubeletRoot, "pki")}`,
      `--node-ip=${NODE_NETWORK.nodeIp}`,
      `--hostname-override=${NODE_NAME}`,
      "--v=1",
    ]);
    await waitFor(
      `Node ${NODE_NAME} Ready`,
      async () => {
        const r = await cluster.api("GET", `/api/v1/nodes/${NODE_NAME}`);
        const ready = (r.body?.status?.conditions ?? []).find((c: any) => c.type === "Ready");
        return ready?.status === "True" ? true : undefined;
      },
      timeout,
      200,
      kubelet,
    );
    const nodeReadyMs = Date.now() - tKubelet;
    await waitFor(
      "CoreDNS ready",
      async () => {
        const res = await fetch(`http://127.0.0.1:${dnsReady}/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      timeout,
      200,
      coredns,
    );
    await waitForDefaultServiceAccount(cluster, timeout);

    const crictlBin = nodeBinary("crictl");
    const crictl = (args: string[]) =>
      run(crictlBin, ["--runtime-endpoint", `unix://${layout.containerdSocket}`, "--image-endpoint", `unix://${layout.containerdSocket}`, ...args]).stdout;
    const kubectlBin = nodeBinary("kubectl");
    const kubectl = (args: string[], o: { input?: string; timeoutMs?: number; allowFail?: boolean } = {}) => {
      const r = run(kubectlBin, ["--kubeconfig", cluster.kubeconfig, ...args], { input: o.input, timeoutMs: o.timeoutMs ?? 60_000, allowFail: o.allowFail });
      return r.stdout + (o.allowFail ? r.stderr : "");
    };
    return {
      cluster,
      kubeconfig: cluster.kubeconfig,
      runDir,
      timings: { controlPlaneMs, nodeReadyMs, importMs, totalMs: Date.now() - t0 },
      kubectl,
      kubectlProcess: (name, args) => start(name, kubectlBin, ["--kubeconfig", cluster.kubeconfig, ...args]),
      importImages,
      docker,
      crictl: (args) => crictl(args),
      containerPid: (namespace, pod, container) => {
        const id = kubectl(["get", "pod", "-n", namespace, pod, "-o", `jsonpath={.status.containerStatuses[?(@.name=="${container}")].containerID}`])
          .trim()
          .replace(/^containerd:\/\//, "");
        if (!id) throw new Error(`pod ${namespace}/${pod} has no running container ${container}`);
        const pid = Number(JSON.parse(crictl(["inspect", id])).info?.pid);
        if (!pid) throw new Error(`crictl inspect ${id} gave no pid`);
        return pid;
      },
      rssMiB: () => {
        const out: Record<string, number> = {};
        for (const p of processesMentioning(runDir)) {
          const name = (p.cmd.split(" ")[0].split("/").pop() ?? "?").replace(/^containerd-shim.*/, "containerd-shim (all)");
          try {
            const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1] ?? 0);
            out[name] = Math.round(((out[name] ?? 0) + kb / 1024) * 10) / 10;
          } catch {
            /* exited */
          }
        }
        return out;
      },
      teardown: () => down(state),
    };
  } catch (e) {
    const logs = saveLogs(runDir);
    const left = down(state);
    throw new Error(`${(e as Error).message}${left.length ? `\n(teardown after the failure left: ${left.join("; ")})` : ""}\nnode logs: ${logs}`, { cause: e });
  }
}

/** Tears the node down and returns its leftovers (teardown problems first). */
function down(state: NodeRunState): string[] {
  if (activeState === state) activeState = undefined;
  const { problems, stepsMs } = teardownNode(state);
  lastTeardownStepsMs = stepsMs;
  return [...problems, ...leftovers(state.before, captureHostState(), state.runDir, state.cgroupRoot)];
}

/** How long each step of the last teardown took (for the tests' timing lines). */
export let lastTeardownStepsMs: Record<string, number> = {};

/** The cgroup hierarchies mounted under /sys/fs/cgroup (v1 controllers, named ones, cgroup2). */
function readdirCgroupHierarchies(): string[] {
  const out: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const mp = line.split(" ")[4];
    if (mp?.startsWith("/sys/fs/cgroup/") && / - cgroup2? /.test(line)) out.push(mp.slice("/sys/fs/cgroup/".length));
  }
  return out;
}

/** Copies the node's logs out of its run directory (which teardown removes); returns where. */
export function saveLogs(runDir: string): string {
  const dest = mkdtempSync(join(tmpdir(), "rml-node-logs-"));
  const copy = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith(".log")) copyFileSync(join(dir, e.name), join(dest, e.name));
    }
  };
  try {
    copy(runDir);
    copy(join(runDir, "cluster"));
  } catch {
    /* partial */
  }
  return dest;
}
