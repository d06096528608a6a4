/**
 * Debian pieces of the test images: a bookworm minbase root filesystem (mmdebstrap, cached), and
 * the files of extra Debian packages resolved against that base (apt on this machine works out
 * what the base lacks; the packages are unpacked, their maintainer scripts are not run).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { layerFromDir, sha256File, type Layer } from "./archive";

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (status ${r.status}):\n${(r.stderr || r.error?.message || "").slice(-3000)}`);
  }
  return r.stdout;
}

/** Files Debian's -slim images leave out; nothing in the localnet's pods reads them. */
const slimExcludes = ["/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/locale/*", "/usr/share/lintian/*", "/usr/share/linda/*"];
/** Kept despite the excludes: copyright files (licences travel with the binaries). */
const slimIncludes = ["/usr/share/doc/*/copyright"];

export interface DebianBase {
  rootfs: string;
  layer: Layer;
  /** Identifies the base's contents (suite, packages and their versions). */
  fingerprint: string;
}

/** The codename of the Debian release this machine runs (its apt resolves the extra packages). */
export function hostSuite(): string {
  const m = /^VERSION_CODENAME=(\S+)$/m.exec(readFileSync("/etc/os-release", "utf8"));
  return m ? m[1].replace(/"/g, "") : "";
}

/** Builds (or reuses) the minbase root filesystem and its layer under `cacheDir`. */
export async function debianBase(cacheDir: string, suite: string, packages: string[], recipe: string): Promise<DebianBase> {
  const key = createHash("sha256").update(JSON.stringify({ suite, packages, slimExcludes, slimIncludes, recipe })).digest("hex").slice(0, 16);
  const dir = join(cacheDir, "debian-base", key);
  const rootfs = join(dir, "rootfs");
  const layerTar = join(dir, "layer.tar");
  if (!existsSync(layerTar)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, "rootfs.tmp");
    run(
      "mmdebstrap",
      [
        "--variant=minbase",
        "--mode=root",
        "--format=directory",
        "--quiet",
        ...(packages.length ? [`--include=${packages.join(",")}`] : []),
        ...slimExcludes.map((p) => `--dpkgopt=path-exclude=${p}`),
        ...slimIncludes.map((p) => `--dpkgopt=path-include=${p}`),
        suite,
        tmp,
      ],
      { env: { ...process.env, SOURCE_DATE_EPOCH: "0" } },
    );
    renameSync(tmp, rootfs);
    // One base at a time: bases of other inputs are superseded.
    for (const other of readdirSync(join(cacheDir, "debian-base"))) if (other !== key) rmSync(join(cacheDir, "debian-base", other), { recursive: true, force: true });
    // /dev, /proc and /sys are the runtime's to fill: the image has them empty.
    await layerFromDir(rootfs, layerTar, ["./dev/*", "./proc/*", "./sys/*"]);
  }
  const status = readFileSync(join(rootfs, "var/lib/dpkg/status"), "utf8");
  const fingerprint = createHash("sha256").update(installedPackages(status).join("\n")).digest("hex");
  return { rootfs, layer: { tar: layerTar, digest: await sha256File(layerTar) }, fingerprint };
}

/** `name=version` of every installed package in a dpkg status file, sorted. */
export function installedPackages(status: string): string[] {
  const out: string[] = [];
  for (const para of status.split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(para)?.[1];
    const version = /^Version: (\S+)$/m.exec(para)?.[1];
    if (name && version && /^Status: install ok installed$/m.test(para)) out.push(`${name}=${version}`);
  }
  return out.sort();
}

/**
 * `name=version` of the packages apt would install on top of the base for `names` (their
 * dependency closure minus what the base has). An empty `baseRootfs` means: resolve for an empty
 * system (every dependency).
 */
export function resolvePackages(names: string[], baseRootfs?: string): string[] {
  const status = baseRootfs ? join(baseRootfs, "var/lib/dpkg/status") : "/dev/null";
  const simulate = () => spawnSync("apt-get", ["--simulate", "--no-install-recommends", `-o`, `Dir::State::status=${status}`, "install", ...names], { encoding: "utf8" });
  let r = simulate();
  if (r.status !== 0 && /Unable to locate package/.test(r.stderr)) {
    run("apt-get", ["update", "-qq"]);
    r = simulate();
  }
  if (r.status !== 0) throw new Error(`apt-get could not resolve ${names.join(", ")}: ${r.stderr.slice(-2000)}`);
  const out: string[] = [];
  for (const m of r.stdout.matchAll(/^Inst (\S+) (?:\[\S+\] )?\((\S+)/gm)) out.push(`${m[1].replace(/:\w+$/, "")}=${m[2]}`);
  if (out.length === 0 && names.length) throw new Error(`apt-get resolved nothing for ${names.join(", ")} (already in the base?)`);
  return out.sort();
}

/** Downloads `name=version` packages into `debDir` (kept as a cache) and unpacks them into `into`. */
export function unpackPackages(pinned: string[], debDir: string, into: string): void {
  mkdirSync(debDir, { recursive: true });
  mkdirSync(into, { recursive: true });
  // apt-get download names files <name>_<version with ':' as %3a>_<arch>.deb
  const fileOf = (p: string) => {
    const [name, version] = p.split("=");
    const prefix = `${name}_${version.replace(/:/g, "%3a")}_`;
    return readdirSync(debDir).find((f) => f.startsWith(prefix) && f.endsWith(".deb"));
  };
  const missing = pinned.filter((p) => !fileOf(p));
  if (missing.length) run("apt-get", ["download", "-qq", ...missing], { cwd: debDir });
  for (const p of pinned) {
    const f = fileOf(p);
    if (!f) throw new Error(`apt-get download gave no .deb for ${p} in ${debDir}`);
    run("dpkg-deb", ["--extract", join(debDir, f), into]);
  }
}
