/**
 * Which relay-miner a stack runs: relayMiner.version, images.relayMiner's tag, or the current
 * release, and the cases where the version cannot be read and must be said.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "./load";
import { configProblems } from "../../test/support/config-problems";

const dir = mkdtempSync(join(tmpdir(), "rml-version-"));
mkdirSync(join(dir, "genesis"));
mkdirSync(join(dir, "prm-checkout"));
writeFileSync(join(dir, "genesis", "localnet.yaml"), "chainId: pocket\n");
const P = "relayminer-localnet:";
const parse = (raw: Record<string, string>) => parseStackConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [P + k, v])), { projectDir: dir });

const problemsOf = (raw: Record<string, string>): string[] => configProblems(() => parse(raw));

describe("relay-miner version", () => {
  test("nothing set: the current release and its release image", () => {
    const c = parse({});
    assert.equal(c.relayMiner.version, "v0.1.2");
    assert.equal(c.images.relayMiner, "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2");
  });

  test("relayMiner.version alone picks that version's image", () => {
    const c = parse({ "relayMiner.version": "ad37bcb", "images.redis": "redis:8.2.3" });
    assert.equal(c.images.relayMiner, "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb");
  });

  test("an image alone: the version its tag names, from any registry", () => {
    assert.equal(parse({ "images.relayMiner": "mirror.example:5000/pokt/pocket-relay-miner:ad37bcb" }).relayMiner.version, "ad37bcb");
    assert.equal(parse({ "images.relayMiner": "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2" }).relayMiner.version, "v0.1.2");
  });

  test("an image whose tag names no version must say which rules apply; with the version it deploys as given", () => {
    assert.deepEqual(problemsOf({ "images.relayMiner": "localhost:5001/pocket-relay-miner:3f2a9c" }), [
      'images.relayMiner = "localhost:5001/pocket-relay-miner:3f2a9c": its tag names no relay-miner version the localnet knows (v0.1.2, ad37bcb); set relayMiner.version to the version this image was built from, so its config rules, Redis minimum and start-up gate apply',
    ]);
    const c = parse({ "images.relayMiner": "localhost:5001/pocket-relay-miner:3f2a9c", "relayMiner.version": "ad37bcb" });
    assert.equal(c.images.relayMiner, "localhost:5001/pocket-relay-miner:3f2a9c");
    assert.equal(c.relayMiner.version, "ad37bcb");
  });

  test("a version and an image that names another version disagree", () => {
    assert.deepEqual(problemsOf({ "images.relayMiner": "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2", "relayMiner.version": "ad37bcb" }), [
      'relayMiner.version = "ad37bcb": disagrees with images.relayMiner = ghcr.io/pokt-network/pocket-relay-miner:v0.1.2, which is relay-miner v0.1.2; set relayMiner.version = v0.1.2, or unset images.relayMiner to deploy ghcr.io/pokt-network/pocket-relay-miner:ad37bcb',
    ]);
  });

  test("moving tags are refused: relayer and miner must run one fixed version", () => {
    for (const tag of ["latest", "rc", "dev"]) {
      const [p] = problemsOf({ "images.relayMiner": `ghcr.io/pokt-network/pocket-relay-miner:${tag}`, "relayMiner.version": "v0.1.2" });
      assert.match(p, new RegExp(`^images\\.relayMiner = .*:${tag}": uses the moving tag ${tag}`));
    }
  });

  test("building from a checkout needs the version said", () => {
    assert.deepEqual(problemsOf({ "build.relayminerSource": "prm-checkout" }), [
      "relayMiner.version: must be set with build.relayminerSource = prm-checkout: say which version that checkout is (one of v0.1.2, ad37bcb), so its config rules, Redis minimum and start-up gate apply",
    ]);
    assert.equal(parse({ "build.relayminerSource": "prm-checkout", "relayMiner.version": "ad37bcb", "images.redis": "redis:8.2.3" }).relayMiner.version, "ad37bcb");
  });

  test("an unknown version lists the known ones", () => {
    assert.deepEqual(problemsOf({ "relayMiner.version": "v9.9.9" }), ['relayMiner.version = "v9.9.9": must be one of v0.1.2, ad37bcb']);
  });
});
