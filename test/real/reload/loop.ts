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
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { buildImages } from "../../../tools/images/build";
import { dockerToolsBinDir } from "../../../tools/docker/paths";
import { offlineEngine, inlineStack } from "../engine";
import { startNode, type RealNode } from "../node/node";
import type { NodeDocker } from "../node/docker";
import { repoRoot, type Scratch } from "../support";

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

export async function startReloadLoop(scratch: Scratch, opts: { backendReplicas: number; initialMark: string }): Promise<ReloadLoop> {
  const images = await buildImages(["pause", "busybox", "pocketd", "node", "backendBuild"]);
  const ref = (k: string) => images.find((i) => i.key === k)!;
  const node = await startNode(scratch, {
    images: ["pause", "busybox", "pocketd"].map((k) => ref(k).archive),
    sandboxImage: ref("pause").ref,
    docker: true,
  });
  try {
    const docker = node.docker!;
    docker.load([ref("node").archive, ref("backendBuild").archive]);

    const project = projectCopy(scratch.dir("reload-project"));
    const routes = join(project, ROUTES_FILE);
    const setMark = (mark: string) => writeFileSync(routes, withMark(readFileSync(routes, "utf8"), mark));
    setMark(opts.initialMark);

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

    const backendPods = (): BackendPod[] => {
      const list = JSON.parse(node.kubectl(["get", "pods", "-n", NAMESPACE, "-l", "app.kubernetes.io/name=backend", "-o", "json"])).items as any[];
      return list.map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        ip: p.status?.podIP ?? "",
        image: p.spec.containers[0].image,
        ready: (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
        deleting: Boolean(p.metadata.deletionTimestamp),
      }));
    };

    return {
      node,
      docker,
      project,
      stack,
      setMark,
      backendPods,
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
