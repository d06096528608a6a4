/**
 * Container images without Docker: a root filesystem directory becomes a layer tar (GNU tar with
 * fixed order, times and numeric owners, so the same files give the same digest), and layers plus
 * an image config become a docker-archive tarball that `ctr images import` (and `docker load`)
 * accept.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, linkSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  user: string;
  workdir: string;
  env: Record<string, string>;
  labels?: Record<string, string>;
}

export interface Layer {
  /** Path of an uncompressed layer tar. */
  tar: string;
  /** Its sha256 (hex), which is also its diff_id. */
  digest: string;
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what}: ${cmd} ${args.join(" ")} failed (status ${r.status}): ${r.stderr || r.error?.message}`);
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/**
 * Tars `dir` as one layer at `out`. Owners and modes are kept as they are on disk (build as root
 * to give files the image's owners); times are zeroed. `exclude` takes tar patterns (./dev/*).
 */
export async function layerFromDir(dir: string, out: string, exclude: string[] = []): Promise<Layer> {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  run(
    "tar",
    [
      "--create",
      `--file=${tmp}`,
      `--directory=${dir}`,
      "--sort=name",
      "--numeric-owner",
      "--mtime=@0",
      "--format=posix",
      "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
      ...exclude.map((e) => `--exclude=${e}`),
      ".",
    ],
    `layer of ${dir}`,
  );
  renameSync(tmp, out);
  return { tar: out, digest: await sha256File(out) };
}

/**
 * Writes a docker-archive (manifest.json + config + layers) for `ref` at `out`. Layer files are
 * hard-linked into the staging directory, so only the final tar copies them.
 */
export async function writeDockerArchive(ref: string, layers: Layer[], config: ImageConfig, out: string): Promise<{ digest: string }> {
  const stage = mkdtempSync(join(dirname(out), ".archive-"));
  try {
    const layerNames = layers.map((l) => {
      const name = `${l.digest}/layer.tar`;
      mkdirSync(join(stage, l.digest), { recursive: true });
      linkSync(l.tar, join(stage, name));
      return name;
    });
    const imageConfig = {
      architecture: "amd64",
      os: "linux",
      created: "1970-01-01T00:00:00Z",
      config: {
        User: config.user,
        Env: Object.entries(config.env).map(([k, v]) => `${k}=${v}`),
        Entrypoint: config.entrypoint.length ? config.entrypoint : null,
        Cmd: config.cmd.length ? config.cmd : null,
        WorkingDir: config.workdir,
        Labels: config.labels ?? {},
      },
      rootfs: { type: "layers", diff_ids: layers.map((l) => `sha256:${l.digest}`) },
      history: layers.map(() => ({ created: "1970-01-01T00:00:00Z", created_by: "relayminer-localnet tools/images" })),
    };
    const configJson = JSON.stringify(imageConfig);
    const configDigest = createHash("sha256").update(configJson).digest("hex");
    writeFileSync(join(stage, `${configDigest}.json`), configJson);
    writeFileSync(join(stage, "manifest.json"), JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [ref], Layers: layerNames }]));
    const tmp = `${out}.tmp-${process.pid}`;
    run("tar", ["--create", `--file=${tmp}`, `--directory=${stage}`, "--sort=name", "--numeric-owner", "--owner=0", "--group=0", "--mtime=@0", "."], `archive of ${ref}`);
    renameSync(tmp, out);
    return { digest: configDigest };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
