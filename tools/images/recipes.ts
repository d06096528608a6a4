/**
 * What goes into each test image's own layer, on top of its base (contract.ts says which). Each
 * recipe names its inputs (versions and digests of the programs), so the builder can tell a
 * cached image from a stale one before building anything, then fills a directory that becomes
 * the layer. Owners are set with chown: the builder runs as root.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, posix } from "node:path";
import { contextFiles, contextHash } from "../../components/images/context-hash";
import type { ImageKey } from "./contract";
import type { DebianBase } from "./debian";
import { resolvePackages, unpackPackages } from "./debian";
import * as sources from "./sources";

export interface RecipeContext {
  cacheDir: string;
  versions: Record<string, string>;
  repoRoot: string;
  /** The Debian base (built on first use). */
  debian(): Promise<DebianBase>;
  /** sha256 of a file (memoised). */
  digest(path: string): Promise<string>;
  need(key: string): string;
}

export interface Recipe {
  inputs(ctx: RecipeContext): Promise<Record<string, string>>;
  fill(ctx: RecipeContext, layer: LayerDir): Promise<void>;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (status ${r.status}):\n${(r.stdout + r.stderr || r.error?.message || "").slice(-3000)}`);
  return r.stdout;
}

/**
 * The layer directory of one image and the root filesystem it goes on (if any). Paths are
 * written where the base's symlinks lead, as `COPY` does on a real base: Debian's /bin, /sbin and
 * /lib are links into /usr, and a real /bin directory in the upper layer would hide the base's.
 */
export interface LayerDir {
  dir: string;
  base?: string;
}

function throughBase(l: LayerDir, path: string, depth = 0): string {
  if (!l.base) return path.replace(/^\/+/, "");
  if (depth > 20) throw new Error(`too many links under ${l.base} resolving ${path}`);
  const parts = path.split("/").filter(Boolean);
  let cur = "";
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur ? `${cur}/${parts[i]}` : parts[i];
    let target: string | undefined;
    try {
      if (lstatSync(join(l.base, next)).isSymbolicLink()) target = readlinkSync(join(l.base, next));
    } catch {
      /* not in the base */
    }
    if (target !== undefined) {
      const rest = parts.slice(i + 1).join("/");
      const abs = target.startsWith("/") ? target : posix.join("/", cur, target);
      return throughBase(l, `${abs}/${rest}`, depth + 1);
    }
    cur = next;
  }
  return cur ? `${cur}/${parts[parts.length - 1]}` : parts[parts.length - 1];
}

/** Copies a file into the layer with a mode and owner, creating its parent directories. */
function put(l: LayerDir, path: string, from: string, mode = 0o755, uid = 0, gid = 0): void {
  const to = join(l.dir, throughBase(l, path));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
  chownSync(to, uid, gid);
}

function write(l: LayerDir, path: string, text: string, mode = 0o644): void {
  const to = join(l.dir, throughBase(l, path));
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
  chmodSync(to, mode);
}

function mkdirOwned(l: LayerDir, path: string, uid: number, gid: number, mode = 0o755): void {
  const to = join(l.dir, throughBase(l, path));
  mkdirSync(to, { recursive: true });
  chmodSync(to, mode);
  chownSync(to, uid, gid);
}

/**
 * Moves what Debian packages unpacked into top-level directories that the base has as links
 * (/bin, /sbin, /lib, /lib64 → /usr/…) to where those links point, so the layer never hides them.
 */
export function foldIntoBaseLinks(l: LayerDir): void {
  if (!l.base) return;
  for (const top of readdirSync(l.dir)) {
    const inLayer = join(l.dir, top);
    let target: string;
    try {
      if (!lstatSync(join(l.base, top)).isSymbolicLink() || !lstatSync(inLayer).isDirectory()) continue;
      target = readlinkSync(join(l.base, top));
    } catch {
      continue;
    }
    const dest = join(l.dir, throughBase(l, `/${target.startsWith("/") ? target.slice(1) : target}/.keep`).replace(/\/\.keep$/, ""));
    mkdirSync(dest, { recursive: true });
    cpSync(inLayer, dest, { recursive: true, verbatimSymlinks: true });
    rmSync(inLayer, { recursive: true, force: true });
  }
}

interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}
interface Group {
  name: string;
  gid: number;
}

/** /etc/passwd and /etc/group: the base's (if any) plus these users and groups. */
function accounts(l: LayerDir, users: User[], groups: Group[]): void {
  const read = (f: string) => (l.base ? readFileSync(join(l.base, "etc", f), "utf8") : "");
  const passwd = read("passwd") + users.map((u) => `${u.name}:x:${u.uid}:${u.gid}::${u.home}:${u.shell}\n`).join("");
  const group = read("group") + groups.map((g) => `${g.name}:x:${g.gid}:\n`).join("");
  write(l, "etc/passwd", passwd);
  write(l, "etc/group", group);
}

const scriptPath = (name: string) => join(__dirname, "scripts", name);
/** A test image's default configuration file (tools/images/*-default.yaml). */
const defaultConfigPath = (name: string) => join(__dirname, name);

/** Debian packages `names` (and what they need beyond the base) unpacked into `dir`. */
async function debianExtras(ctx: RecipeContext, names: string[], dir: string): Promise<void> {
  const base = await ctx.debian();
  unpackPackages(resolvePackages(names, base.rootfs), join(ctx.cacheDir, "debs"), dir);
}

async function extrasInputs(ctx: RecipeContext, names: string[]): Promise<string> {
  return resolvePackages(names, (await ctx.debian()).rootfs).join(" ");
}

/** The busybox base's accounts (an image on it that adds users writes these again: its layer's /etc/passwd hides the base's). */
const busyboxUsers: User[] = [
  { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh" },
  { name: "nobody", uid: 65534, gid: 65534, home: "/home", shell: "/bin/false" },
];
const busyboxGroups: Group[] = [
  { name: "root", gid: 0 },
  { name: "nobody", gid: 65534 },
];

/** The busybox binary and one hard link per applet in /bin, with root and nobody accounts. */
export async function fillBusybox(ctx: RecipeContext, l: LayerDir): Promise<void> {
  const tmp = mkdtempSync(join(ctx.cacheDir, ".busybox-"));
  try {
    unpackPackages(resolvePackages([ctx.need("BUSYBOX_PACKAGE")]), join(ctx.cacheDir, "debs"), tmp);
    put(l, "bin/busybox", join(tmp, "bin", "busybox"));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const busybox = join(l.dir, "bin", "busybox");
  for (const applet of run(busybox, ["--list"])
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (applet !== "busybox" && /^[\w.[-]+$/.test(applet)) linkSync(busybox, join(l.dir, "bin", applet));
  }
  accounts(l, busyboxUsers, busyboxGroups);
  mkdirOwned(l, "tmp", 0, 0, 0o1777);
  mkdirOwned(l, "root", 0, 0, 0o700);
  for (const d of ["home", "var", "etc", "usr/bin", "usr/sbin", "sbin"]) mkdirOwned(l, d, 0, 0);
}

export async function busyboxInputs(ctx: RecipeContext): Promise<string> {
  return resolvePackages([ctx.need("BUSYBOX_PACKAGE")]).join(" ");
}

/**
 * The Node runtime as the public Node images lay it out: node in /usr/local/bin, their
 * docker-entrypoint.sh, the `node` user (1000) and its home; with `npm`, the npm CLI in
 * /usr/local/lib/node_modules/npm and its npm/npx links.
 */
function putNodeRuntime(ctx: RecipeContext, l: LayerDir, opts: { npm: boolean }): void {
  put(l, "usr/local/bin/node", sources.nodeRuntimeBinary(ctx.need("NODE_VERSION")));
  put(l, "usr/local/bin/docker-entrypoint.sh", scriptPath("node-entrypoint.sh"));
  if (opts.npm) {
    const npmDir = join(l.dir, throughBase(l, "usr/local/lib/node_modules/npm"));
    sources.npmPackage(`npm@${ctx.need("NPM_VERSION")}`, npmDir);
    run("chown", ["-R", "0:0", npmDir]);
    for (const [link, target] of [
      ["npm", "npm-cli.js"],
      ["npx", "npx-cli.js"],
    ]) {
      symlinkSync(`../lib/node_modules/npm/bin/${target}`, join(l.dir, throughBase(l, `usr/local/bin/${link}`)));
    }
  }
  accounts(l, [{ name: "node", uid: 1000, gid: 1000, home: "/home/node", shell: "/bin/sh" }], [{ name: "node", gid: 1000 }]);
  mkdirOwned(l, "home/node", 1000, 1000);
}

async function nodeRuntimeInputs(ctx: RecipeContext, opts: { npm: boolean }): Promise<Record<string, string>> {
  return {
    node: await ctx.digest(sources.nodeRuntimeBinary(ctx.need("NODE_VERSION"))),
    entrypoint: await ctx.digest(scriptPath("node-entrypoint.sh")),
    ...(opts.npm ? { npm: ctx.need("NPM_VERSION") } : {}),
  };
}

/** The backend's lockfile: what its Dockerfile's `npm ci` installs. */
const backendLockfile = (repoRoot: string) => join(repoRoot, "services", "backend", "package-lock.json");

/**
 * npm's cache holding every package the backend's lockfile names, filled on this machine (npm ci
 * with a cache of its own), so `npm ci` in a build step needs no registry.
 */
function fillBackendNpmCache(repoRoot: string, work: string, cacheDir: string): void {
  const app = join(work, "lock");
  mkdirSync(app, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(repoRoot, "services", "backend", f), join(app, f));
  const env = { ...process.env, npm_config_update_notifier: "false" };
  run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--cache", cacheDir], { cwd: app, env });
}

/**
 * Runs a service's Dockerfile build steps (npm ci, tsc, and for the backend prune) on a copy of
 * its build context (services/<service>, as .dockerignore leaves it).
 */
function buildServiceApp(repoRoot: string, service: "backend" | "chain-exporter", work: string, opts: { prune: boolean }): string {
  const src = join(repoRoot, "services", service);
  const app = join(work, "app");
  for (const rel of contextFiles(src)) {
    mkdirSync(dirname(join(app, rel)), { recursive: true });
    copyFileSync(join(src, rel), join(app, rel));
  }
  const env = { ...process.env, npm_config_update_notifier: "false" };
  run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, env });
  run("npx", ["tsc", "-p", "tsconfig.json"], { cwd: app, env });
  if (opts.prune) run("npm", ["prune", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, env });
  return app;
}

/** A service's runtime stage: the Node runtime, and `parts` of its built app in /app, root's. */
async function fillServiceImage(ctx: RecipeContext, l: LayerDir, service: "backend" | "chain-exporter", parts: string[], opts: { prune: boolean }): Promise<void> {
  putNodeRuntime(ctx, l, { npm: false });
  const work = mkdtempSync(join(ctx.cacheDir, `.${service}-`));
  try {
    const app = buildServiceApp(ctx.repoRoot, service, work, opts);
    mkdirOwned(l, "app", 0, 0);
    for (const part of parts) cpSync(join(app, part), join(l.dir, "app", part), { recursive: true });
    run("chown", ["-R", "0:0", join(l.dir, "app")]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const RECIPES: Record<ImageKey, Recipe> = {
  pause: {
    inputs: async (ctx) => ({ pause: await ctx.digest(sources.pauseBinary()) }),
    fill: async (_ctx, l) => put(l, "pause", sources.pauseBinary()),
  },
  busybox: {
    // Everything is in the busybox base layer.
    inputs: async () => ({}),
    fill: async () => {},
  },
  pocketd: {
    inputs: async (ctx) => ({ pocketd: await ctx.digest(sources.pocketdBinary()) }),
    fill: async (ctx, l) => {
      put(l, "bin/pocketd", sources.pocketdBinary(), 0o755, 1025, 1025);
      accounts(l, [{ name: "pocket", uid: 1025, gid: 1025, home: "/home/pocket", shell: "/sbin/nologin" }], [{ name: "pocket", gid: 1025 }]);
      mkdirOwned(l, "home/pocket", 1025, 1025);
    },
  },
  relayMiner: {
    inputs: async (ctx) => {
      const bin = sources.relayMinerBinary();
      if (!bin) throw new Error("no pocket-relay-miner binary (RELAYMINER_TOOLS_BIN)");
      return { relayMiner: await ctx.digest(bin), tini: await extrasInputs(ctx, [ctx.need("TINI_PACKAGE")]) };
    },
    fill: async (ctx, l) => {
      const bin = sources.relayMinerBinary();
      if (!bin) throw new Error("no pocket-relay-miner binary (RELAYMINER_TOOLS_BIN)");
      const tmp = mkdtempSync(join(ctx.cacheDir, ".tini-"));
      try {
        await debianExtras(ctx, [ctx.need("TINI_PACKAGE")], tmp);
        put(l, "sbin/tini", join(tmp, "usr", "bin", "tini-static"));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      put(l, "usr/local/bin/pocket-relay-miner", bin);
      accounts(l, [{ name: "pocket", uid: 1000, gid: 1000, home: "/home/pocket", shell: "/bin/sh" }], [{ name: "pocket", gid: 1000 }]);
      mkdirOwned(l, "home/pocket", 1000, 1000);
      for (const d of [".pocket-relay-miner", ".pocket-relay-miner/keys", ".pocket-relay-miner/cache"]) mkdirOwned(l, `home/pocket/${d}`, 1000, 1000);
    },
  },
  redis: {
    inputs: async (ctx) => ({
      redisServer: await ctx.digest(sources.redisServerBinary()),
      redisCli: await extrasInputs(ctx, [ctx.need("REDIS_CLI_PACKAGE")]),
      entrypoint: await ctx.digest(scriptPath("redis-entrypoint.sh")),
    }),
    fill: async (ctx, l) => {
      await debianExtras(ctx, [ctx.need("REDIS_CLI_PACKAGE")], l.dir);
      // redis-tools' own redis-server links (redis-check-*) would shadow nothing: ours is in /usr/local/bin.
      put(l, "usr/local/bin/redis-server", sources.redisServerBinary());
      put(l, "usr/local/bin/docker-entrypoint.sh", scriptPath("redis-entrypoint.sh"));
      accounts(l, [{ name: "redis", uid: 999, gid: 1000, home: "/home/redis", shell: "/sbin/nologin" }], [{ name: "redis", gid: 1000 }]);
      mkdirOwned(l, "data", 999, 1000);
    },
  },
  redisExporter: {
    inputs: async (ctx) => ({
      redisExporter: await ctx.digest(sources.redisExporterBinary()),
      certificates: (await ctx.debian()).fingerprint,
    }),
    fill: async (ctx, l) => {
      const base = await ctx.debian();
      put(l, "redis_exporter", sources.redisExporterBinary());
      put(l, "etc/ssl/certs/ca-certificates.crt", join(base.rootfs, "etc", "ssl", "certs", "ca-certificates.crt"), 0o644);
      write(l, "etc/nsswitch.conf", "hosts: files dns\n");
    },
  },
  redisCommander: {
    inputs: async (ctx) => ({
      node: await ctx.digest(sources.nodeRuntimeBinary(ctx.need("NODE_VERSION"))),
      redisCommander: ctx.need("REDIS_COMMANDER_VERSION"),
      extras: await extrasInputs(ctx, [ctx.need("DUMB_INIT_PACKAGE"), ctx.need("JQ_PACKAGE")]),
    }),
    fill: async (ctx, l) => {
      await debianExtras(ctx, [ctx.need("DUMB_INIT_PACKAGE"), ctx.need("JQ_PACKAGE")], l.dir);
      put(l, "usr/local/bin/node", sources.nodeRuntimeBinary(ctx.need("NODE_VERSION")));
      const app = join(l.dir, "redis-commander");
      sources.npmPackage(`redis-commander@${ctx.need("REDIS_COMMANDER_VERSION")}`, app);
      run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
        cwd: app,
        env: { ...process.env, npm_config_update_notifier: "false" },
      });
      // As the public image: the app is root's, its config directory the service user's.
      run("chown", ["-R", "0:0", app]);
      run("chown", ["-R", "10000:0", join(app, "config")]);
      chmodSync(join(app, "config"), 0o775);
      run("sh", ["-c", 'chmod ug+r,o-rwx "$1"/*.json', "sh", join(app, "config")]);
      accounts(l, [{ name: "redis", uid: 10000, gid: 0, home: "/redis-commander", shell: "/sbin/nologin" }], []);
    },
  },
  prometheus: {
    inputs: async (ctx) => {
      const p = sources.prometheusBinaries();
      return { prometheus: await ctx.digest(p.prometheus), promtool: await ctx.digest(p.promtool) };
    },
    fill: async (_ctx, l) => {
      const p = sources.prometheusBinaries();
      put(l, "bin/prometheus", p.prometheus);
      put(l, "bin/promtool", p.promtool);
      // A minimal configuration (Prometheus scraping itself); the localnet mounts its own.
      write(
        l,
        "etc/prometheus/prometheus.yml",
        ["global:", "  scrape_interval: 15s", "scrape_configs:", "  - job_name: prometheus", "    static_configs:", '      - targets: ["localhost:9090"]', ""].join("\n"),
      );
      run("chown", ["-R", "65534:65534", join(l.dir, "etc", "prometheus")]);
      mkdirOwned(l, "prometheus", 65534, 65534, 0o775);
    },
  },
  loki: {
    inputs: async (ctx) => ({ loki: await ctx.digest(sources.lokiBinary()), config: await ctx.digest(defaultConfigPath("loki-default.yaml")) }),
    fill: async (_ctx, l) => {
      put(l, "usr/bin/loki", sources.lokiBinary());
      accounts(l, [...busyboxUsers, { name: "loki", uid: 10001, gid: 10001, home: "/home/loki", shell: "/sbin/nologin" }], [...busyboxGroups, { name: "loki", gid: 10001 }]);
      mkdirOwned(l, "home/loki", 10001, 10001);
      put(l, "etc/loki/local-config.yaml", defaultConfigPath("loki-default.yaml"), 0o644, 10001, 10001);
      chownSync(join(l.dir, "etc", "loki"), 10001, 10001);
      for (const d of ["loki", "loki/rules", "loki/rules-temp"]) mkdirOwned(l, d, 10001, 10001);
    },
  },
  logCollector: {
    inputs: async (ctx) => ({
      collector: await ctx.digest(sources.logCollectorBinary()),
      config: await ctx.digest(defaultConfigPath("otelcol-default.yaml")),
      certificates: (await ctx.debian()).fingerprint,
    }),
    fill: async (ctx, l) => {
      const base = await ctx.debian();
      put(l, "otelcol-k8s", sources.logCollectorBinary());
      put(l, "etc/ssl/certs/ca-certificates.crt", join(base.rootfs, "etc", "ssl", "certs", "ca-certificates.crt"), 0o644);
      put(l, "etc/otelcol-k8s/config.yaml", defaultConfigPath("otelcol-default.yaml"), 0o644);
    },
  },
  node: {
    inputs: (ctx) => nodeRuntimeInputs(ctx, { npm: true }),
    fill: async (ctx, l) => putNodeRuntime(ctx, l, { npm: true }),
  },
  backendBuild: {
    inputs: async (ctx) => ({
      ...(await nodeRuntimeInputs(ctx, { npm: true })),
      lockfile: await ctx.digest(backendLockfile(ctx.repoRoot)),
    }),
    fill: async (ctx, l) => {
      putNodeRuntime(ctx, l, { npm: true });
      const work = mkdtempSync(join(ctx.cacheDir, ".backend-build-"));
      try {
        const cache = join(l.dir, throughBase(l, "root/.npm"));
        fillBackendNpmCache(ctx.repoRoot, work, cache);
        // Only the content cache travels: npm's logs and index of past runs are not inputs.
        rmSync(join(cache, "_logs"), { recursive: true, force: true });
        run("chown", ["-R", "0:0", cache]);
        chmodSync(join(l.dir, throughBase(l, "root")), 0o700);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  },
  backend: {
    inputs: async (ctx) => ({
      ...(await nodeRuntimeInputs(ctx, { npm: false })),
      context: contextHash(join(ctx.repoRoot, "services", "backend")),
    }),
    fill: (ctx, l) => fillServiceImage(ctx, l, "backend", ["dist", "node_modules", "proto", "package.json"], { prune: true }),
  },
  chainExporter: {
    inputs: async (ctx) => ({
      ...(await nodeRuntimeInputs(ctx, { npm: false })),
      context: contextHash(join(ctx.repoRoot, "services", "chain-exporter")),
    }),
    // No runtime dependencies: its Dockerfile copies only the compiled files and package.json.
    fill: (ctx, l) => fillServiceImage(ctx, l, "chain-exporter", ["dist", "package.json"], { prune: false }),
  },
};
