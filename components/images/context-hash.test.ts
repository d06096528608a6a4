import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { contextFiles, contextHash } from "./context-hash";
import { isIgnored, parseDockerignore } from "./dockerignore";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh build context with the given files (path → content). */
function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "rml-ctx-"));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) write(dir, path, content);
  return dir;
}
function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

const base = { Dockerfile: "FROM scratch\n", "src/main.ts": "console.log(1)\n", "package.json": "{}\n" };

describe("contextHash", () => {
  test("is a hex sha256 and the same for the same content in another directory", () => {
    const a = contextHash(context(base));
    assert.match(a, /^[a-f0-9]{64}$/);
    assert.equal(contextHash(context(base)), a);
  });

  test("does not depend on the order files were created in", () => {
    const reversed = Object.fromEntries(Object.entries(base).reverse());
    assert.equal(contextHash(context(reversed)), contextHash(context(base)));
  });

  test("changes when a file's content changes, a file is added, or a file is renamed", () => {
    const h = contextHash(context(base));
    assert.notEqual(contextHash(context({ ...base, "src/main.ts": "console.log(2)\n" })), h);
    assert.notEqual(contextHash(context({ ...base, "src/extra.ts": "" })), h);
    const { "src/main.ts": moved, ...rest } = base;
    assert.notEqual(contextHash(context({ ...rest, "src/app.ts": moved })), h);
  });

  test("changes when the executable bit changes (the image would differ)", () => {
    const dir = context(base);
    const before = contextHash(dir);
    chmodSync(join(dir, "src/main.ts"), 0o755);
    assert.notEqual(contextHash(dir), before);
  });

  test("ignores files excluded by .dockerignore, but not the Dockerfile", () => {
    const ignore = ".dockerignore";
    const dir = context({ ...base, [ignore]: "node_modules\n*.log\nDockerfile\n", "node_modules/x/index.js": "1", "debug.log": "a" });
    const before = contextHash(dir);
    write(dir, "node_modules/x/index.js", "2");
    write(dir, "debug.log", "b");
    write(dir, "node_modules/y/new.js", "3");
    assert.equal(contextHash(dir), before, "excluded files must not change the hash");
    write(dir, "Dockerfile", "FROM busybox\n");
    assert.notEqual(contextHash(dir), before, "the Dockerfile is always sent, so it always counts");
  });

  test("follows `!` exceptions, last matching line wins", () => {
    const dir = context({ ...base, ".dockerignore": "docs\n!docs/keep.md\n", "docs/a.md": "a", "docs/keep.md": "k" });
    assert.deepEqual(contextFiles(dir), [".dockerignore", "Dockerfile", "docs/keep.md", "package.json", "src/main.ts"]);
  });

  test("hashes a symlink by its target, without following it", () => {
    const dir = context(base);
    symlinkSync("src/main.ts", join(dir, "link"));
    const before = contextHash(dir);
    rmSync(join(dir, "link"));
    symlinkSync("package.json", join(dir, "link"));
    assert.notEqual(contextHash(dir), before);
  });

  test("names the path when the context is not a directory", () => {
    assert.throws(() => contextHash("/nonexistent/ctx"), /build context "\/nonexistent\/ctx" is not a directory/);
  });
});

describe(".dockerignore patterns", () => {
  const ignored = (patterns: string, path: string) => isIgnored(parseDockerignore(patterns), path);

  test("a directory pattern excludes everything below it; leading / and ./ are dropped", () => {
    assert.ok(ignored("node_modules", "node_modules/a/b.js"));
    assert.ok(ignored("/build/", "build/out.bin"));
    assert.ok(ignored("./dist", "dist/x"));
    assert.ok(!ignored("node_modules", "src/node_modules_x.ts"));
  });

  test("* and ? stay within one path segment; ** spans directories", () => {
    assert.ok(ignored("*.md", "README.md"));
    assert.ok(!ignored("*.md", "docs/README.md"));
    assert.ok(ignored("**/*.md", "docs/deep/README.md"));
    assert.ok(ignored("**/*.md", "README.md"));
    assert.ok(ignored("a?c", "abc"));
    assert.ok(!ignored("a?c", "a/c"));
    assert.ok(ignored("tmp/**", "tmp/x/y"));
  });

  test("character classes, escapes and comments", () => {
    assert.ok(ignored("file[0-9].txt", "file3.txt"));
    assert.ok(!ignored("file[0-9].txt", "filex.txt"));
    assert.ok(ignored("\\*literal", "*literal"));
    assert.ok(!ignored("# comment\n", "# comment"));
  });
});
