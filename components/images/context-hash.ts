/**
 * A content hash of a Docker build context, computed in TypeScript so the image tag is known
 * before any build runs (and during `pulumi preview` with no Docker engine).
 *
 * The hash covers what `docker build` would send: every file not excluded by `.dockerignore`
 * (its path, content and executable bit; symlinks by their target), plus the Dockerfile even
 * if `.dockerignore` excludes it, because Docker always sends it. Entries are sorted by path
 * so the hash does not depend on directory listing order. Timestamps and owners are left out on
 * purpose: a `touch` or a fresh clone must not roll pods.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { hasExceptions, isIgnored, readDockerignore, type IgnoreRule } from "./dockerignore";

/** Bumped when the hashing scheme changes, so old and new tags never collide. */
const schemeVersion = "ctx-v1";

/** Context-relative, `/`-separated paths of the files Docker would send, sorted. */
export function contextFiles(dir: string, rules: readonly IgnoreRule[] = readDockerignore(dir)): string[] {
  const prune = !hasExceptions(rules);
  const found: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const full = join(abs, entry.name);
      const rel = relative(dir, full).split(sep).join("/");
      const ignored = isIgnored(rules, rel);
      if (entry.isDirectory()) {
        // With no `!` rule nothing below an excluded directory can come back, so skip it whole
        // (this is what keeps node_modules/ or .git/ from being read).
        if (!(ignored && prune)) walk(full);
      } else if (!ignored) {
        found.push(rel);
      }
    }
  };
  walk(dir);
  // Compare by code unit, not locale: the order must be the same on every machine.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function hashEntry(root: string, rel: string): string {
  const abs = join(root, ...rel.split("/"));
  const st = lstatSync(abs);
  if (st.isSymbolicLink()) return `link\0${rel}\0${readlinkSync(abs)}`;
  const exec = (st.mode & 0o111) !== 0 ? "x" : "-";
  const digest = createHash("sha256").update(readFileSync(abs)).digest("hex");
  return `file\0${rel}\0${exec}\0${digest}`;
}

/**
 * Hex SHA-256 of a build context directory. `dockerfile` is the Dockerfile path (default
 * `<dir>/Dockerfile`); it is always included, under a fixed name, wherever it lives.
 */
export function contextHash(dir: string, dockerfile?: string): string {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`build context ${JSON.stringify(dir)} is not a directory`);
  }
  const hash = createHash("sha256").update(`${schemeVersion}\n`);
  for (const rel of contextFiles(root)) hash.update(`${hashEntry(root, rel)}\n`);
  const dockerfilePath = resolve(dockerfile ?? join(root, "Dockerfile"));
  if (existsSync(dockerfilePath)) {
    hash.update(`dockerfile\0${createHash("sha256").update(readFileSync(dockerfilePath)).digest("hex")}\n`);
  }
  return hash.digest("hex");
}
