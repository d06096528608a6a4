/**
 * validate-config.sh under sh, as the relay-miner pods run it: it reads the supplier keys as the
 * pod's user before it hands over to the binary's own `validate`, and stops with the reason when
 * they cannot be read or hold no key. The binary is a script that records its arguments (the real
 * one runs in the pods tier).
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedSupplierKeys } from "../../test/support/genesis-fixtures";

const dir = mkdtempSync(join(tmpdir(), "rml-validate-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const script = join(__dirname, "validate-config.sh");
const binary = join(dir, "pocket-relay-miner");
writeFileSync(binary, '#!/bin/sh\necho "relay-miner $*"\n');
chmodSync(binary, 0o755);
chmodSync(dir, 0o755);

const key = (c: string) => `"${c.repeat(64)}"`;

function run(keysFile: string, opts: { asUser?: number } = {}) {
  const env = { PATH: process.env.PATH ?? "", ROLE: "miner", CONFIG_FILE: "/etc/relayminer/config/config.yaml", KEYS_FILE: keysFile, RELAYMINER: binary };
  const [cmd, args] = opts.asUser === undefined ? ["sh", [script]] : ["setpriv", [`--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, "--clear-groups", "sh", script]];
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("validate-config.sh (first init container of miners and relayers)", () => {
  test("the generated supplier-keys.yaml: counts its keys, then runs `<role> validate --config=<file>`", () => {
    const f = join(dir, "good.yaml");
    const generated = generatedSupplierKeys();
    writeFileSync(f, generated);
    const r = run(f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`supplier keys readable: ${generated.split("\n").filter((l) => l.startsWith("  - ")).length} key\\(s\\)`));
    assert.match(r.out, /^relay-miner miner validate --config=\/etc\/relayminer\/config\/config\.yaml$/m);
  });

  test("a missing keys file stops it with the path and the user, before the binary runs", () => {
    const r = run(join(dir, "absent.yaml"));
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot read the supplier keys .*absent\.yaml as uid \d+, gid \d+/);
    assert.doesNotMatch(r.out, /relay-miner/);
  });

  test("a keys file with no key stops it", () => {
    const f = join(dir, "empty.yaml");
    writeFileSync(f, "keys: []\n");
    const r = run(f);
    assert.equal(r.code, 1);
    assert.match(r.err, /no supplier key in .*empty\.yaml/);
    assert.doesNotMatch(r.out, /relay-miner/);
  });

  test(
    "keys mounted readable by root only (mode 0400) stop a relay-miner running as uid 1000",
    { skip: process.getuid?.() !== 0 || spawnSync("setpriv", ["--version"]).status !== 0 ? "needs root and setpriv to run as another user" : false },
    () => {
      const f = join(dir, "root-only.yaml");
      writeFileSync(f, `keys:\n  - ${key("c")}\n`);
      chmodSync(f, 0o400);
      const r = run(f, { asUser: 1000 });
      assert.equal(r.code, 1, r.out);
      assert.match(r.err, /cannot read the supplier keys .*root-only\.yaml as uid 1000, gid 1000 \(-r-------- .* 0 0 /);
      chmodSync(f, 0o444);
      assert.equal(run(f, { asUser: 1000 }).code, 0, "readable by its user: passes");
    },
  );
});
