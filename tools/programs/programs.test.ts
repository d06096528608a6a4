/** The cache of provisioned programs: keys, the stamp, failed builds, and Prometheus' module versions. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { buildLog, isComplete, keyedDir, programsRoot, provision } from "./cache";
import { prometheusModuleVersion } from "./prometheus";

const tmp = mkdtempSync(join(tmpdir(), "rml-programs-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { RELAYMINER_PROGRAMS_DIR: tmp };

describe("cache keys", () => {
  test("the root follows RELAYMINER_PROGRAMS_DIR, else XDG_CACHE_HOME", () => {
    assert.equal(programsRoot(env), tmp);
    assert.equal(programsRoot({ XDG_CACHE_HOME: "/x" }), "/x/relayminer-localnet/programs");
  });

  test("a directory per recipe and key; key order does not matter, a changed pin does", () => {
    const a = keyedDir("redis-cli", "8.10.2", { sdist: "s", version: "8.10.2" }, env);
    assert.equal(keyedDir("redis-cli", "8.10.2", { version: "8.10.2", sdist: "s" }, env), a);
    assert.notEqual(keyedDir("redis-cli", "8.10.2", { sdist: "s", version: "8.10.3" }, env), a);
    assert.match(a, new RegExp(`^${tmp}/redis-cli/8\\.10\\.2-[0-9a-f]{12}$`));
  });
});

describe("provision", () => {
  test("builds once: the stamp marks it complete and the next call builds nothing", () => {
    const dir = join(tmp, "p", "ok");
    let builds = 0;
    const build = (d: string) => {
      builds++;
      writeFileSync(join(d, "tool"), "x");
    };
    assert.equal(provision(dir, build), true);
    assert.equal(provision(dir, build), false);
    assert.equal(builds, 1);
    assert.ok(isComplete(dir));
    assert.ok(!existsSync(`${dir}.lock`), "the lock is released");
  });

  test("a failed build leaves no directory, keeps its log, and is tried again next time", () => {
    const dir = join(tmp, "p", "bad");
    assert.throws(
      () =>
        provision(dir, (_d, log) => {
          writeFileSync(log, "compiler said no\n", { flag: "a" });
          throw new Error("build failed");
        }),
      /build failed/,
    );
    assert.ok(!existsSync(dir));
    assert.match(readFileSync(buildLog(dir), "utf8"), /compiler said no/);
    assert.equal(
      provision(dir, () => undefined),
      true,
    );
  });

  test("a half-done directory (no stamp) is built again from scratch", () => {
    const dir = join(tmp, "p", "half");
    provision(dir, (d) => writeFileSync(join(d, "a"), "1"));
    rmSync(join(dir, ".provisioned"));
    writeFileSync(join(dir, "leftover"), "x");
    assert.equal(
      provision(dir, (d) => writeFileSync(join(d, "a"), "2")),
      true,
    );
    assert.ok(!existsSync(join(dir, "leftover")));
  });

  test("a lock left by a process that is gone is taken over", () => {
    const dir = join(tmp, "p", "stale");
    const lock = `${dir}.lock`;
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, "pid"), "2147483646"); // no such process
    assert.equal(
      provision(dir, () => undefined),
      true,
    );
  });
});

test("Prometheus 3.x releases map to Go module versions v0.3MM.P", () => {
  assert.equal(prometheusModuleVersion("3.5.0"), "v0.305.0");
  assert.equal(prometheusModuleVersion("3.10.2"), "v0.310.2");
  assert.throws(() => prometheusModuleVersion("2.53.0"), /Prometheus release "2\.53\.0": only 3\.x\.y/);
  assert.throws(() => prometheusModuleVersion("v3.5.0"), /"v3\.5\.0"/);
});
