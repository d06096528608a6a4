import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sessionTiming } from "../components/timing/sessions";
import { defaultGenesisConfigPath, generateGenesis, loadGenesisInput } from "../genesis";
import { localnetDoc, toYaml } from "../test/support/genesis-fixtures";

const root = join(__dirname, "..");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "genesis.ts"), ...args], { cwd: root, encoding: "utf8" });

describe("genesis CLI", () => {
  it("--help prints usage and exits 0", () => {
    const r = cli("--help");
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: npm run genesis -- \[-c <genesis.yaml>\] -o <dir>/);
  });

  it("writes all six files, secrets mode 0600, matching the library's output for the namespace", () => {
    const out = join(mkdtempSync(join(tmpdir(), "genesis-cli-")), "out");
    const r = cli("-c", defaultGenesisConfigPath, "-o", out, "--namespace", "team-a");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ["genesis.json", "keys.json", "node_key.json", "priv_validator_key.json", "priv_validator_state.json", "supplier-keys.yaml"]);
    assert.equal(statSync(join(out, "priv_validator_key.json")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "supplier-keys.yaml")).mode & 0o777, 0o600);
    const expected = generateGenesis(loadGenesisInput(defaultGenesisConfigPath, { sharedParams: sessionTiming("fast", 2) }), {
      relayerEndpoint: "http://relayer.team-a.svc.cluster.local:8080",
      validatorP2pAddress: "validator:26656",
    });
    assert.equal(readFileSync(join(out, "genesis.json"), "utf8"), expected.publicFiles["genesis.json"]);
    assert.match(r.stdout, new RegExp(`genesis sha256  ${expected.summary.genesisSha256}`));
    assert.equal(JSON.parse(readFileSync(join(out, "genesis.json"), "utf8")).app_state.shared.params.claim_window_close_offset_blocks, "19", "the stack's default windows");
    assert.doesNotMatch(r.stdout + r.stderr, /cd41a98ac7ac3b190c345b88e2885422d7bb553c59bca03c6e2618d49f8b1c06/, "no private key in the output");
  });

  it("bad input: exit 1, one clear message without a stack trace, and nothing written", () => {
    const dir = mkdtempSync(join(tmpdir(), "genesis-cli-"));
    const doc = localnetDoc();
    doc.applications[0].services = ["develop-http", "develop-grpc"];
    writeFileSync(join(dir, "bad.yaml"), toYaml(doc));
    const out = join(dir, "out");
    const r = cli("-c", join(dir, "bad.yaml"), "-o", out);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: invalid genesis input .*bad\.yaml:\n {2}- applications\[0\]\.services: application "app1" lists 2 services/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir), ["bad.yaml"], "no temporary directory left behind");
  });

  it("bad input leaves an existing output directory untouched; good input replaces it", () => {
    const dir = mkdtempSync(join(tmpdir(), "genesis-cli-"));
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "stale.txt"), "old");
    const bad = cli("-c", join(dir, "missing.yaml"), "-o", out);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /cannot read the file: no such file/);
    assert.deepEqual(readdirSync(out), ["stale.txt"]);
    const good = cli("-o", out);
    assert.equal(good.status, 0, good.stderr);
    assert.ok(!readdirSync(out).includes("stale.txt"));
    assert.ok(readdirSync(out).includes("genesis.json"));
    assert.deepEqual(readdirSync(dir), ["out"]);
  });

  it("usage errors exit 1 with the usage text", () => {
    const r = cli("-c", defaultGenesisConfigPath);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: missing -o <dir>\n\nUsage:/);
    assert.match(cli("-o", "/tmp/x", "--bogus").stderr, /error: Unknown option '--bogus'/);
    assert.match(cli("-o", "/tmp/x", "--namespace", "Bad_NS").stderr, /--namespace "Bad_NS" is not a Kubernetes namespace name/);
    assert.match(cli("-o", "/tmp/x", "--timing", "slow").stderr, /--timing "slow": allowed: fast, mainnet/);
    assert.match(cli("-o", "/tmp/x", "--block-time", "0").stderr, /--block-time "0": a whole number of seconds from 1 to 60/);
  });

  it("prints a binary file's refusal in one clean line, no control byte echoed", () => {
    const binary = join(mkdtempSync(join(tmpdir(), "genesis-cli-")), "cli-binary.yaml");
    writeFileSync(binary, Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x00, 0xff]));
    const r = cli("-c", binary, "-o", join(tmpdir(), "genesis-cli-never-written"));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: invalid genesis input .*cli-binary\.yaml:\n {2}- \(root\): is a binary file \(a NUL byte at offset 5\); expected YAML text\n$/);
    // eslint-disable-next-line no-control-regex -- no control byte may reach the terminal
    assert.doesNotMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
