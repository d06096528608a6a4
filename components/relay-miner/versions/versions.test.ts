/**
 * The relayer and miner config.yaml the program renders (under Pulumi mocks, exactly the ConfigMap
 * text) pass the rules of every supported relay-miner version, for the default stack, 5 relayers
 * on a Redis cluster, and overrides; and each encoded rule refuses what its version refuses.
 */
import { before, test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { renderRelayMinerConfigs, type RenderedRelayMiner } from "../../../test/support/rendered-relayminer";
import { checkConfigRules, resolvePath, type ConfigRules } from "./config-rules";
import { currentRelease, imageTag, pinnedCommit, relayMinerVersionIds, relayMinerVersions, versionNamedByImage, type RelayMinerVersionId } from "./versions";

type Doc = Record<string, any>;
const rulesOf = (v: RelayMinerVersionId, role: "relayer" | "miner"): ConfigRules => relayMinerVersions[v].config[role];
const paths = (rules: ConfigRules, doc: Doc) => checkConfigRules(rules, doc).map((p) => `${p.path}: ${p.message}`);

const topologies: Record<string, Record<string, string>> = {
  default: {},
  "5 relayers on a Redis cluster": { "relayer.count": "5", "redis.mode": "cluster" },
  overrides: {
    "relayer.config": JSON.stringify({ default_request_timeout_seconds: 10, services: { "develop-http": { timeout_profile: "streaming" } }, logging: { format: "text" } }),
    "miner.config": JSON.stringify({
      // A faster lease renewal than the derived one (longer TTLs would not fit the fast preset's claim window).
      leader_election: { leader_ttl_seconds: 5, heartbeat_rate_seconds: 1 },
      supplier_claiming: { claim_ttl_seconds: 15, renew_rate_seconds: 2 },
    }),
  },
};

// Pulumi's mocks are process-wide: the programs run one after the other, before the tests.
const renders = new Map<string, RenderedRelayMiner>();
before(async () => {
  for (const version of relayMinerVersionIds) {
    for (const [name, config] of Object.entries(topologies)) renders.set(`${version} ${name}`, await renderRelayMinerConfigs({ ...config, "relayMiner.version": version }));
  }
});

describe("rendered configs against each version's rules", () => {
  for (const version of relayMinerVersionIds) {
    for (const name of Object.keys(topologies)) {
      test(`${version}, ${name}: relayer and miner config.yaml break no rule`, () => {
        const rendered = renders.get(`${version} ${name}`)!;
        assert.deepEqual(paths(rulesOf(version, "relayer"), parse(rendered.relayerYaml)), []);
        assert.deepEqual(paths(rulesOf(version, "miner"), parse(rendered.minerYaml)), []);
      });
    }
  }
});

describe("each rule refuses what its version refuses", () => {
  const rendered = (): RenderedRelayMiner => renders.get(`${currentRelease} default`)!;
  const relayer = (): Doc => parse(rendered().relayerYaml);
  const miner = (): Doc => parse(rendered().minerYaml);
  /** Which versions refuse the edited document, and with what. */
  const refusedBy = (role: "relayer" | "miner", edit: (d: Doc) => void) => {
    const doc = role === "relayer" ? relayer() : miner();
    edit(doc);
    return Object.fromEntries(relayMinerVersionIds.map((v) => [v, paths(rulesOf(v, role), doc)]));
  };

  test("the keys: exactly one of keys_file and keyring in the release, any of three sources in the pinned commit", () => {
    const both = refusedBy("miner", (d) => (d.keys.keyring = { backend: "test", dir: "/k" }));
    assert.deepEqual(both["v0.1.2"], ["keys.keyring: keys.keys_file and keys.keyring are mutually exclusive: set only one"]);
    assert.deepEqual(both.ad37bcb, []);
    const none = refusedBy("relayer", (d) => delete d.keys.keys_file);
    assert.deepEqual(none["v0.1.2"], ["keys.keys_file: one of keys.keys_file and keys.keyring is required"]);
    assert.deepEqual(none.ad37bcb, ["keys.keys_file: at least one of keys.keys_file, keys.keys_dir, keys.keyring is required"]);
    const dir = refusedBy("relayer", (d) => (d.keys = { keys_dir: "/k" }));
    assert.ok(dir["v0.1.2"].includes("keys.keys_dir: is not a key this version knows (its validate refuses it); known here: keys_file, keyring, hot_reload_enabled"));
    assert.deepEqual(dir.ad37bcb, []);
    assert.deepEqual(refusedBy("miner", (d) => (d.keys.keyring = { backend: "os" }))["v0.1.2"].slice(-1), ["keys.keyring.backend: must be one of file, test"]);
  });

  test("the miner needs block_time_seconds and pocket_node.chain_id in the release", () => {
    const r = refusedBy("miner", (d) => {
      delete d.block_time_seconds;
      delete d.pocket_node.chain_id;
    });
    assert.deepEqual(r["v0.1.2"], ["block_time_seconds: is required", "pocket_node.chain_id: is required"]);
    assert.deepEqual(r.ad37bcb, []);
    assert.deepEqual(refusedBy("miner", (d) => (d.block_time_seconds = 0)).ad37bcb, ["block_time_seconds: must be at least 1"]);
  });

  test("HA timings: leader_ttl_seconds >= 5, claim_ttl_seconds >= 15, rebalance_interval_seconds >= 5, renewals faster than expiry (both)", () => {
    const r = refusedBy("miner", (d) => {
      d.leader_election = { leader_ttl_seconds: 4, heartbeat_rate_seconds: 4 };
      d.supplier_claiming = { claim_ttl_seconds: 14, renew_rate_seconds: 20, rebalance_interval_seconds: 4 };
    });
    const expected = [
      "leader_election.leader_ttl_seconds: must be at least 5",
      "supplier_claiming.claim_ttl_seconds: must be at least 15",
      "supplier_claiming.rebalance_interval_seconds: must be at least 5",
      "leader_election.heartbeat_rate_seconds: must be less than leader_election.leader_ttl_seconds (4)",
      "supplier_claiming.renew_rate_seconds: must be less than supplier_claiming.claim_ttl_seconds (14)",
    ];
    for (const v of relayMinerVersionIds) assert.deepEqual(r[v], expected, v);
  });

  test("services: backend keys are the five transports, default_backend and validation modes are enums (both)", () => {
    const r = refusedBy("relayer", (d) => {
      d.services["develop-http"].backends.ws = d.services["develop-http"].backends.jsonrpc;
      d.services["develop-http"].default_backend = "http";
      d.default_validation_mode = "lazy";
    });
    for (const v of relayMinerVersionIds) {
      assert.deepEqual(
        r[v],
        [
          "default_validation_mode: must be one of eager, optimistic",
          "services.develop-http.default_backend: must be one of jsonrpc, rest, websocket, grpc, cometbft",
          "services.develop-http.backends.ws: is not a key this version knows here; allowed: jsonrpc, rest, websocket, grpc, cometbft",
        ],
        v,
      );
    }
    const pooled = refusedBy("relayer", (d) => (d.services["develop-http"].backends.jsonrpc.urls = ["http://a:1"]));
    for (const v of relayMinerVersionIds) assert.match(pooled[v].join("\n"), /services\.develop-http\.backends\.jsonrpc\.urls: .* are mutually exclusive/);
  });

  test("the release refuses retired and unknown keys the pinned commit still reads or ignores", () => {
    const r = refusedBy("relayer", (d) => {
      d.relay_meter = { fail_behavior: "closed", redis_key_prefix: "ha" };
      d.redis.namespace = { base_prefix: "{ha}", cache_prefix: "c" };
      d.grace_period_extra_blocks = 2;
    });
    assert.deepEqual(r["v0.1.2"], [
      "redis.namespace.base_prefix: must be letters, digits, '_' and '-' only",
      "redis.namespace.cache_prefix: was removed from this version: only redis.namespace.base_prefix is configurable; remove it",
      "relay_meter.fail_behavior: was removed from this version: the relayer now refuses a relay whose budget it cannot verify; remove it",
      `grace_period_extra_blocks: is not a key this version knows (its validate refuses it); known here: ${rulesOf("v0.1.2", "relayer").known[""].join(", ")}`,
      "relay_meter.redis_key_prefix: is not a key this version knows (its validate refuses it); known here: cache_ttl",
    ]);
    assert.deepEqual(r.ad37bcb, []);
    assert.deepEqual(
      refusedBy("miner", (d) => (d.logging.level = "trace")),
      { "v0.1.2": ["logging.level: must be one of debug, info, warn, error"], ad37bcb: [] },
    );
  });
});

describe("the version table", () => {
  test("the pinned commit is the one tools/versions.env builds for the real-binary tests", () => {
    const env = readFileSync(join(__dirname, "..", "..", "..", "tools", "versions.env"), "utf8");
    const pinned = /^RELAY_MINER_VERSION=(\S+)$/m.exec(env)?.[1];
    assert.equal(relayMinerVersions[pinnedCommit].module, pinned);
    assert.match(pinned ?? "", new RegExp(`-${pinnedCommit}[0-9a-f]{5}$`), "the pseudo-version names the commit");
  });

  test("each version's image is the published repository under a tag that names the version, never a moving one", () => {
    for (const id of relayMinerVersionIds) {
      const { image } = relayMinerVersions[id];
      assert.match(image, /^ghcr\.io\/pokt-network\/pocket-relay-miner:/);
      assert.equal(versionNamedByImage(image), id);
      assert.ok(!["latest", "rc", "dev"].includes(imageTag(image) ?? ""), image);
    }
    assert.equal(relayMinerVersions[currentRelease].checked, "against its documented rules only");
    assert.equal(relayMinerVersions[pinnedCommit].checked, "with the real binary");
  });

  test("image tags and version names", () => {
    assert.equal(imageTag("localhost:5001/a/b:c1@sha256:" + "0".repeat(64)), "c1");
    assert.equal(imageTag("localhost:5001/a/b"), undefined);
    assert.equal(versionNamedByImage("redis:8.10.2-alpine"), undefined);
  });

  test("rule paths expand * over map keys, and a missing parent yields one absent leaf", () => {
    const doc = { services: { a: { backends: { x: 1 } }, b: {} } };
    assert.deepEqual(resolvePath(doc, "services.*.backends"), [
      { path: "services.a.backends", value: { x: 1 } },
      { path: "services.b.backends", value: undefined },
    ]);
    assert.deepEqual(resolvePath(doc, "keys.keys_file"), [{ path: "keys.keys_file", value: undefined }]);
  });
});
