/**
 * The whole localnet on a real node: the test images (tools/images) imported into the node's
 * containerd, the program run by the real Pulumi engine and Kubernetes provider (inline program,
 * as the cluster test does), the test stack pointing every `images.*` at the local tags with
 * `imagePullPolicy: Never`. Without a relay-miner binary the stack deploys no relayer or miner.
 *
 * Host ports: every `ports.*` is moved to free ports (other programs on this machine may hold the
 * defaults), so `npm run forward` binds where nothing else is.
 */
import { execFile } from "node:child_process";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { buildImages, type BuiltImage } from "../../../tools/images/build";
import type { ImageKey } from "../../../tools/images/contract";
import { relayMinerBinary } from "../../../tools/images/sources";
import { nodeBinDir, nodeBinary } from "../../../tools/node/paths";
import { hostPortDefaults, type HostPortName } from "../../../components/topology/ports";
import { pinnedCommit } from "../../../components/relay-miner/versions/versions";
import { offlineEngine, type Engine } from "../engine";
import { freePorts, type Scratch } from "../support";
import { startNode, type RealNode } from "./node";

export const NAMESPACE = "relayminer-localnet";

/** The images the localnet deploys (config key → image key). */
const deployed: Partial<Record<string, ImageKey>> = {
  "images.pocketd": "pocketd",
  "images.busybox": "busybox",
  "images.redis": "redis",
  "images.redisExporter": "redisExporter",
  "images.redisCommander": "redisCommander",
  "images.prometheus": "prometheus",
  "images.backend": "backend",
  "images.chainExporter": "chainExporter",
  "images.loki": "loki",
  "images.logCollector": "logCollector",
  "images.relayMiner": "relayMiner",
};

export interface UpRecord {
  ms: number;
  changes: Record<string, number>;
  output: string;
}

export interface PodView {
  name: string;
  uid: string;
  ip: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  restarts: number;
  labels: Record<string, string>;
  raw: any;
}

export interface LocalnetNode {
  node: RealNode;
  engine: Engine;
  stack: Stack;
  images: BuiltImage[];
  /** A relay-miner image was built (RELAYMINER_TOOLS_BIN), so relayers and miners are deployed. */
  relayMiner: boolean;
  /** The config the stack was created with (flat keys). */
  baseConfig: Record<string, string>;
  /** Sets (or with undefined removes) flat config keys. */
  setConfig(changes: Record<string, string | undefined>): Promise<void>;
  /** `pulumi up`; `refresh` reads the cluster's objects first (as `pulumi up --refresh`). */
  up(onEvent?: (e: EngineEvent, atMs: number) => void, opts?: { refresh?: boolean }): Promise<UpRecord>;
  destroy(): Promise<UpRecord>;
  pods(): PodView[];
  /** The stack output `forwards` as JSON (what `npm run forward --forwards` takes). */
  forwardsJson(): Promise<string>;
  urls(): Promise<Record<string, string | string[]>>;
  /** Env for scripts/forward.ts: kubectl of this node, pointed at its kubeconfig. */
  forwardEnv(): NodeJS.ProcessEnv;
  teardown(): string[];
}

/** `kubectl get pods -o json` as PodViews. */
function podViews(json: string): PodView[] {
  const list = JSON.parse(json).items as any[];
  return list.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    ip: p.status?.podIP ?? "",
    phase: p.status?.phase ?? "",
    ready: (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
    deleting: Boolean(p.metadata.deletionTimestamp),
    restarts: [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].reduce((a: number, c: any) => a + (c.restartCount ?? 0), 0),
    labels: p.metadata.labels ?? {},
    raw: p,
  }));
}

/** Workload of a pod: its StatefulSet or Deployment (the name label every part sets). */
export const workloadOf = (p: PodView) => p.labels["app.kubernetes.io/name"] ?? p.name;

/** The pods, read without blocking the event loop (the inline program's language server runs in this process); [] while unreadable. */
export function podsNow(l: LocalnetNode): Promise<PodView[]> {
  return new Promise((resolve) =>
    execFile(nodeBinary("kubectl"), ["--kubeconfig", l.node.kubeconfig, "get", "pods", "-n", NAMESPACE, "-o", "json"], { maxBuffer: 32 << 20 }, (err, stdout) => {
      try {
        resolve(err ? [] : podViews(stdout));
      } catch {
        resolve([]); // cut short by a busy API server: the next sample reads it again
      }
    }),
  );
}

/**
 * `up`, sampling the pods every second meanwhile: when each workload first had all its pods
 * Ready, in ms after `t0` (the up's start unless given).
 */
export async function upTimed(l: LocalnetNode, t0 = Date.now()): Promise<{ up: UpRecord; readyAt: Map<string, number> }> {
  const readyAt = new Map<string, number>();
  let running = true;
  const sampling = (async () => {
    while (running) {
      const byWorkload = new Map<string, PodView[]>();
      for (const p of await podsNow(l)) byWorkload.set(workloadOf(p), [...(byWorkload.get(workloadOf(p)) ?? []), p]);
      for (const [w, ps] of byWorkload) if (!readyAt.has(w) && ps.every((p) => p.ready)) readyAt.set(w, Date.now() - t0);
      if (running) await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  try {
    return { up: await l.up(), readyAt };
  } finally {
    running = false;
    await sampling;
  }
}

/** `count` consecutive free ports starting at a free one (per-replica host ports are base + index). */
async function freeBlock(count: number, taken: Set<number>): Promise<number> {
  for (;;) {
    const [base] = await freePorts(1);
    if (base + count > 65535) continue;
    const block = Array.from({ length: count }, (_, i) => base + i);
    if (block.some((p) => taken.has(p))) continue;
    const { createServer } = await import("node:net");
    const ok = await Promise.all(
      block.map(
        (p) =>
          new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once("error", () => resolve(false));
            s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (ok.every(Boolean)) {
      block.forEach((p) => taken.add(p));
      return base;
    }
  }
}

/** Every ports.* on free host ports (room for 5 replicas of the per-pod ones). */
export async function freeHostPorts(): Promise<Record<string, string>> {
  const taken = new Set<number>();
  const out: Record<string, string> = {};
  for (const name of Object.keys(hostPortDefaults) as HostPortName[]) {
    const perPod = /^(relayer|miner)/.test(name);
    out[`ports.${name}`] = String(await freeBlock(perPod ? 10 : 1, taken));
  }
  return out;
}

export async function startLocalnetNode(scratch: Scratch, opts: { config?: Record<string, string>; stackName?: string } = {}): Promise<LocalnetNode> {
  const t0 = Date.now();
  const relayMiner = relayMinerBinary() !== undefined;
  const keys = [...new Set(["pause", ...Object.values(deployed)])].filter((k): k is ImageKey => k !== undefined && (k !== "relayMiner" || relayMiner));
  const images = await buildImages(keys);
  const ref = (k: ImageKey) => images.find((i) => i.key === k)!;
  console.log(`# images ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${images.filter((i) => !i.cached).length} built, ${images.length} in all)`);
  const node = await startNode(scratch, { images: images.map((i) => i.archive), sandboxImage: ref("pause").ref });
  try {
    // The program's rollout waiter and `npm run forward` run kubectl: the node's own.
    process.env.KUBECTL = nodeBinary("kubectl");
    const engine = await offlineEngine(scratch);
    const imageConfig = Object.fromEntries(
      Object.entries(deployed)
        .filter(([, k]) => k && (k !== "relayMiner" || relayMiner))
        .map(([key, k]) => [key, ref(k!).ref]),
    );
    const baseConfig: Record<string, string> = {
      "kube.kubeconfig": node.kubeconfig,
      "kube.imagePullPolicy": "Never",
      ...imageConfig,
      // No registry here serves Grafana (tools/README.md).
      "observability.grafana": "false",
      // The relay-miner binary the tests are given is the pinned commit (tools/versions.env).
      "relayMiner.version": pinnedCommit,
      ...(relayMiner ? {} : { "relayer.count": "0", "miner.count": "0" }),
      ...(await freeHostPorts()),
      ...opts.config,
    };
    const env = { ...engine.env, KUBECTL: process.env.KUBECTL, PATH: `${nodeBinDir()}:${engine.env.PATH}` };
    const { inlineStack } = await import("../engine");
    const stack = await inlineStack({ workDir: engine.workDir, env, name: opts.stackName ?? "pods", config: baseConfig });

    const op = async (what: "up" | "destroy", onEvent?: (e: EngineEvent, atMs: number) => void, refresh = false): Promise<UpRecord> => {
      const start = Date.now();
      let output = "";
      const common = { onOutput: (s: string) => (output += s), onEvent: (e: EngineEvent) => onEvent?.(e, Date.now() - start) };
      const r = what === "up" ? await stack.up({ ...common, refresh }) : await stack.destroy(common);
      if (r.summary.result !== "succeeded") throw new Error(`pulumi ${what}: ${r.summary.result}\n${output.slice(-4000)}`);
      return { ms: Date.now() - start, changes: { ...r.summary.resourceChanges }, output };
    };

    const pods = (): PodView[] => podViews(node.kubectl(["get", "pods", "-n", NAMESPACE, "-o", "json"]));
    const outputs = async () => await stack.outputs();

    return {
      node,
      engine,
      stack,
      images,
      relayMiner,
      baseConfig,
      async setConfig(changes) {
        for (const [k, v] of Object.entries(changes)) {
          if (v === undefined) await stack.removeConfig(k);
          else await stack.setConfig(k, { value: v });
        }
      },
      up: (onEvent, opts) => op("up", onEvent, opts?.refresh),
      destroy: () => op("destroy"),
      pods,
      forwardsJson: async () => JSON.stringify((await outputs()).forwards?.value ?? []),
      urls: async () => ((await outputs()).urls?.value ?? {}) as Record<string, string | string[]>,
      forwardEnv: () => ({ ...process.env, KUBECONFIG: node.kubeconfig, KUBECTL: nodeBinary("kubectl") }),
      teardown: () => node.teardown(),
    };
  } catch (e) {
    const left = node.teardown();
    throw new Error(`${(e as Error).message}${left.length ? `\n(teardown left: ${left.join("; ")})` : ""}`, { cause: e });
  }
}

/** Seconds with one decimal, "-" for a phase that never happened. */
export const secs = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

/** End of a pods-tier file: `destroy` (timed), then the node's teardown and the scratch dirs, whatever failed before. */
export async function stopLocalnetNode(l: LocalnetNode | undefined, scratch: Scratch): Promise<void> {
  try {
    if (l) console.log(`# destroy: ${secs((await l.destroy()).ms)}`);
  } finally {
    const left = l?.teardown() ?? [];
    if (left.length) console.log(`# teardown left: ${left.join("; ")}`);
    await scratch.cleanup();
  }
}

/** `redis-cli` in a Redis pod (the server's own container), output without carriage returns. */
export const redisCli = (l: LocalnetNode, pod: string, args: string[]) =>
  l.node.kubectl(["exec", "-n", NAMESPACE, pod, "-c", "redis", "--", "redis-cli", ...args]).replace(/\r/g, "");
