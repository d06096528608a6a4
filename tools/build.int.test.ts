/**
 * The two build scripts' command lines, run for real with bash. Only the paths that build nothing:
 * option errors and `--print-bin-dir`, which must agree with the TypeScript reader of the cache
 * layout (tools/paths.ts) that the tests use to find the binaries.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cachedBinDir, TOOL_NAMES } from "./paths";

const scripts = {
  tools: { path: join(__dirname, "build.sh"), versions: join(__dirname, "versions.env"), kind: "tools", envVar: "RELAYMINER_TOOLS_DIR", what: "tool", known: TOOL_NAMES.join(" ") },
  cluster: {
    path: join(__dirname, "cluster", "build.sh"),
    versions: join(__dirname, "cluster", "versions.env"),
    kind: "cluster",
    envVar: "RELAYMINER_CLUSTER_DIR",
    what: "group",
    known: "etcd kwok kube",
  },
} as const;

function run(script: string, ...args: string[]) {
  const r = spawnSync("bash", [script, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const [name, s] of Object.entries(scripts)) {
  describe(`tools: ${name} build script`, () => {
    test("--only with an unknown name fails, naming it and every known one", () => {
      const r = run(s.path, "--only", `${s.known.split(" ")[0]},nonesuch`, "--check");
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`unknown ${s.what} 'nonesuch' \\(known: ${s.known}\\)`));
      assert.doesNotMatch(r.stderr, /^\s+at /m);
    });

    test("an unknown option fails with a pointer to --help", () => {
      const r = run(s.path, "--frobnicate");
      assert.equal(r.status, 1);
      assert.match(r.stderr, /unknown option: --frobnicate \(see --help\)/);
    });

    test("--print-bin-dir is the directory tools/paths.ts computes", () => {
      const r = run(s.path, "--print-bin-dir");
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), cachedBinDir(s.versions, s.kind, s.envVar, process.env));
    });
  });
}
