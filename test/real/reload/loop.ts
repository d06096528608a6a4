/**
 * The developer loop of build.enabled, for real: a real node with a Docker engine and a registry
 * (test/real/node), the program run by the real Pulumi engine with the real docker-build and
 * Kubernetes providers, and a copy of the checkout whose backend source can be edited. The
 * backend's Dockerfile builds FROM locally assembled bases (tools/images: node, backendBuild),
 * passed as its build arguments; nothing is pulled from outside the machine.
 *
 * Topology: the validator and the backend (no Redis, relayers, miners or observability), so the
 * only image built is the backend's.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { buildImages } from "../../../tools/images/build";
import { dockerToolsBinDir } from "../../../tools/docker/paths";
import { nodeBinary } from "../../../tools/node/paths";
import { offlineEngine, inlineStack } from "../engine";
import { startNode, type RealNode } from "../node/node";
import type { NodeDocker } from "../node/docker";
import { repoRoot, type Scratch } from "../support";
import { pinnedCommit } from "../../../components/relay-miner/versions/versions";

export const NAMESPACE = "relayminer-localnet";
/** The header the loop's edits change (the backend sets it on every express response: /echo). */
export const MARK_HEADER = "x-reload-mark";
const ROUTES_FILE = join("services", "backend", "src", "http", "routes.ts");
/** The line the mark goes after: the middleware that names the pod on every response. */
const ANCHOR = /^(\s*)res\.setHeader\("x-backend-id", rt\.backendId\);$/m;

export interface UpRecord {
  ms: number;
  changes: Record<string, number>;
  /** Milliseconds from the up's start to each resource's step start and end, by resource type and name. */
  steps: { type: string; name: string; op: string; startMs: number; endMs?: number }[];
  output: string;
}

export interface BackendPod {
  name: string;
  uid: string;
  ip: string;
  image: string;
  ready: boolean;
  deleting: boolean;
}

export interface ReloadLoop {
  node: RealNode;
  docker: NodeDocker;
  /** The project copy the program runs from (its services/backend is a copy). */
  project: string;
  stack: Stack;
  /** Sets the mark the backend sends in MARK_HEADER (edits the copy's source). */
  setMark(mark: string): void;
  up(onEvent?: (e: EngineEvent, atMs: number) => void): Promise<UpRecord>;
  backendPods(): BackendPod[];
  /** Pods of a workload by its name label (backend, relayer, miner). */
  podsOf(name: string): BackendPod[];
  /** Deploys the relayer and miner from the next up on (needs relayerSource). */
  enableRelayers(): Promise<void>;
  /** The log of a pod's first container ("" when it cannot be read yet). */
  logOf(pod: string): Promise<string>;
  /** MARK_HEADER of each listed pod's answer to GET /health (undefined: no answer). */
  marks(pods: BackendPod[]): Promise<(string | undefined)[]>;
  /** Tags of a repository in the registry. */
  registryTags(repository: string): Promise<string[]>;
  /** Pods of the namespace by name → uid (to tell which were replaced). */
  podUids(): Record<string, string>;
  teardown(): string[];
}

/** A checkout to run the program from: symlinks to this one, with index.ts and the backend copied. */
function projectCopy(dir: string): string {
  for (const entry of readdirSync(repoRoot)) {
    if (entry === "services" || entry === "index.ts" || entry === ".git" || entry === ".pulumi" || /^Pulumi\..+\.yaml$/.test(entry)) continue;
    symlinkSync(join(repoRoot, entry), join(dir, entry));
  }
  // index.ts resolves the project (build contexts, genesis file) from its own directory.
  cpSync(join(repoRoot, "index.ts"), join(dir, "index.ts"));
  mkdirSync(join(dir, "services"));
  for (const entry of readdirSync(join(repoRoot, "services"))) {
    if (entry !== "backend") symlinkSync(join(repoRoot, "services", entry), join(dir, "services", entry));
  }
  cpSync(join(repoRoot, "services", "backend"), join(dir, "services", "backend"), {
    recursive: true,
    filter: (src) => !/\/(node_modules|dist)(\/|$)/.test(src.slice(join(repoRoot, "services", "backend").length)),
  });
  return dir;
}

/** The backend source with MARK_HEADER set to `mark` on every express response. */
export function withMark(source: string, mark: string): string {
  const cleaned = source.replace(new RegExp(`^\\s*res\\.setHeader\\("${MARK_HEADER}", "[^"]*"\\);\\n`, "m"), "");
  if (!ANCHOR.test(cleaned))
    throw new Error(`${ROUTES_FILE} no longer has the line the reload loop edits (res.setHeader("x-backend-id", rt.backendId);): update test/real/reload/loop.ts`);
  return cleaned.replace(ANCHOR, (line, indent: string) => `${line}\n${indent}res.setHeader("${MARK_HEADER}", "${mark}");`);
}

export interface ReloadOptions {
  backendReplicas: number;
  initialMark: string;
  /**
   * Also deploys a relayer and a miner (with Redis) whose image is built from this copy of a
   * pocket-relay-miner checkout with build.relayminerBuild = host, on the test relay-miner image
   * (tools/images: RELAYMINER_TOOLS_BIN) as images.relayMiner.
   */
  relayerSource?: string;
}

/** The relay-miner line the relayer loop edits (logged once at start by every relayer). */
export const RELAYER_LOG_LINE = 'Msg("connected to Redis")';
const RELAYER_FILE = join("cmd", "cmd_relayer.go");

/** Sets the mark in the relayer's start-up log line of a relay-miner checkout (a copy the bench owns). */
export function setRelayerMark(checkout: string, mark: string): void {
  const file = join(checkout, RELAYER_FILE);
  const text = readFileSync(file, "utf8");
  const edited = text.replace(/Msg\("connected to Redis( \[[^\]"]*\])?"\)/, `Msg("connected to Redis [${mark}]")`);
  if (edited === text && !text.includes(`[${mark}]`)) throw new Error(`${file} no longer has ${RELAYER_LOG_LINE}: update test/real/reload/loop.ts`);
  writeFileSync(file, edited);
}

export async function startReloadLoop(scratch: Scratch, opts: ReloadOptions): Promise<ReloadLoop> {
  const relayer = opts.relayerSource !== undefined;
  const images = await buildImages(["pause", "busybox", "pocketd", "node", "backendBuild", ...(relayer ? (["redis", "relayMiner"] as const) : [])]);
  const ref = (k: string) => images.find((i) => i.key === k)!;
  const node = await startNode(scratch, {
    images: ["pause", "busybox", "pocketd", ...(relayer ? ["redis"] : [])].map((k) => ref(k).archive),
    sandboxImage: ref("pause").ref,
    docker: true,
  });
  try {
    const docker = node.docker!;
    docker.load([ref("node").archive, ref("backendBuild").archive, ...(relayer ? [ref("relayMiner").archive] : [])]);

    const project = projectCopy(scratch.dir("reload-project"));
    const routes = join(project, ROUTES_FILE);
    const setMark = (mark: string) => writeFileSync(routes, withMark(readFileSync(routes, "utf8"), mark));
    setMark(opts.initialMark);

    // What enableRelayers() sets: a relayer and a miner, their image built on the host.
    const relayerConfig: Record<string, string> = relayer
      ? {
          "relayer.count": "1",
          "miner.count": "1",
          "redis.enabled": "true",
          "redis.commander": "false",
          "images.redis": ref("redis").ref,
          "images.relayMiner": ref("relayMiner").ref,
          "relayMiner.version": pinnedCommit,
          "build.relayminerSource": opts.relayerSource!,
          "build.relayminerBuild": "host",
        }
      : {};
    const engine = await offlineEngine(scratch);
    const env = { ...engine.env, ...docker.env, PATH: `${dockerToolsBinDir()}:${engine.env.PATH}` };
    const stack = await inlineStack({
      workDir: engine.workDir,
      env,
      name: "reload",
      entry: join(project, "index.ts"),
      config: {
        "kube.kubeconfig": node.kubeconfig,
        "relayer.count": "0",
        "miner.count": "0",
        "redis.enabled": "false",
        "observability.enabled": "false",
        "backend.replicas": String(opts.backendReplicas),
        "images.pocketd": ref("pocketd").ref,
        "images.busybox": ref("busybox").ref,
        "build.enabled": "true",
        "build.registry": docker.registry,
        "build.args": JSON.stringify({ BUILD_BASE: ref("backendBuild").ref, RUNTIME_BASE: ref("node").ref }),
      },
    });

    const podsOf = (name: string): BackendPod[] => {
      const list = JSON.parse(node.kubectl(["get", "pods", "-n", NAMESPACE, "-l", `app.kubernetes.io/name=${name}`, "-o", "json"])).items as any[];
      return list.map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        ip: p.status?.podIP ?? "",
        image: p.spec.containers[0].image,
        ready: (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
        deleting: Boolean(p.metadata.deletionTimestamp),
      }));
    };
    const backendPods = () => podsOf("backend");

    return {
      node,
      docker,
      project,
      stack,
      setMark,
      backendPods,
      podsOf,
      async enableRelayers() {
        if (!relayer) throw new Error("enableRelayers: the loop was started without relayerSource");
        await stack.setAllConfig(Object.fromEntries(Object.entries(relayerConfig).map(([k, value]) => [k, { value }])));
      },
      logOf: (pod) =>
        new Promise((resolve) =>
          execFile(nodeBinary("kubectl"), ["--kubeconfig", node.kubeconfig, "logs", "-n", NAMESPACE, pod], { maxBuffer: 64 << 20 }, (err, stdout) => resolve(err ? "" : stdout)),
        ),
      async up(onEvent) {
        const t0 = Date.now();
        const steps: UpRecord["steps"] = [];
        let output = "";
        const r = await stack.up({
          onOutput: (s) => {
            output += s;
          },
          onEvent: (e) => {
            const at = Date.now() - t0;
            const pre = e.resourcePreEvent?.metadata;
            if (pre && pre.op !== "same") steps.push({ type: pre.type, name: pre.urn.split("::").pop()!, op: pre.op, startMs: at });
            const done = e.resOutputsEvent?.metadata;
            if (done) {
              const s = steps.find((x) => x.name === done.urn.split("::").pop() && x.endMs === undefined);
              if (s) s.endMs = at;
            }
            onEvent?.(e, at);
          },
        });
        if (r.summary.result !== "succeeded") throw new Error(`pulumi up: ${r.summary.result}\n${output.slice(-4000)}`);
        return { ms: Date.now() - t0, changes: { ...r.summary.resourceChanges }, steps, output };
      },
      async marks(pods) {
        return Promise.all(
          pods.map(async (p) => {
            try {
              // /echo: the one route that goes through express, where the mark is set (probes and
              // JSON-RPC are answered before express).
              const res = await fetch(`http://${p.ip}:8545/echo`, { signal: AbortSignal.timeout(2000) });
              await res.text();
              return res.headers.get(MARK_HEADER) ?? "";
            } catch {
              return undefined;
            }
          }),
        );
      },
      async registryTags(repository) {
        const port = docker.registry.split(":")[1];
        const res = await fetch(`http://127.0.0.1:${port}/v2/${repository}/tags/list`, { signal: AbortSignal.timeout(5000) });
        if (res.status === 404) return [];
        return ((await res.json()) as { tags?: string[] }).tags?.sort() ?? [];
      },
      podUids() {
        const list = JSON.parse(node.kubectl(["get", "pods", "-n", NAMESPACE, "-o", "json"])).items as any[];
        return Object.fromEntries(list.filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.metadata.name, p.metadata.uid]));
      },
      teardown: () => node.teardown(),
    };
  } catch (e) {
    const left = node.teardown();
    throw new Error(`${(e as Error).message}${left.length ? `\n(teardown left: ${left.join("; ")})` : ""}`, { cause: e });
  }
}
