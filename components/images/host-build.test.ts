import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildHostContext, goBuildCommand, writeHostContext } from "./host-build";

const toolchain = { version: "go1.26.8", arch: "arm64" };

test("go build: static, linux on the toolchain's GOARCH, reproducible flags, into the given file", () => {
  const cmd = goBuildCommand("/ctx/pocket-relay-miner", toolchain, { PATH: "/usr/bin", CGO_ENABLED: "1" });
  assert.deepEqual(cmd.args, ["build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", "/ctx/pocket-relay-miner", "."]);
  assert.deepEqual(cmd.env, { PATH: "/usr/bin", CGO_ENABLED: "0", GOOS: "linux", GOARCH: "arm64" });
});

test("the generated context: a Dockerfile that layers the binary on RELAYMINER_BASE, the stamp left out of the context", () => {
  const dir = mkdtempSync(join(tmpdir(), "host-build-"));
  try {
    writeHostContext(dir);
    const dockerfile = readFileSync(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ARG RELAYMINER_BASE\nFROM \$\{RELAYMINER_BASE\}\nCOPY pocket-relay-miner \/usr\/local\/bin\/pocket-relay-miner\n$/m);
    assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), ".built-for\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a binary already built for the tag is not compiled again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "host-build-"));
  try {
    writeFileSync(join(dir, "pocket-relay-miner"), "built");
    writeFileSync(join(dir, ".built-for"), "reg/x:abc");
    // The source directory does not exist: any go run would fail.
    assert.equal(await buildHostContext(join(dir, "no-such-checkout"), dir, "reg/x:abc", toolchain), dir);
    assert.equal(readFileSync(join(dir, "pocket-relay-miner"), "utf8"), "built");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
