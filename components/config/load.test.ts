import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig, mergeRawConfig } from "./load";
import { ConfigError } from "./errors";
import { configProblems } from "../../test/support/config-problems";

/** A project dir with the files the default config references. */
function projectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rml-config-"));
  mkdirSync(join(dir, "genesis"));
  writeFileSync(join(dir, "genesis", "localnet.yaml"), "chainId: pocket\n");
  return dir;
}
const ctx = { projectDir: projectDir() };
const P = "relayminer-localnet:";

function parse(raw: Record<string, string>) {
  return parseStackConfig(raw, ctx);
}

const problemsOf = (raw: Record<string, string>): string[] => configProblems(() => parse(raw));

describe("stack config", () => {
  test("an empty stack gives the seed topology", () => {
    const c = parse({});
    assert.equal(c.miner.count, 2);
    assert.equal(c.relayer.count, 2);
    assert.equal(c.redis.mode, "standalone");
    assert.equal(c.observability.enabled, true);
    assert.equal(c.relayer.validationMode, "optimistic");
    assert.equal(c.ports.relayerRelay, 8180);
  });

  test("flat key relayer.count gives 5 relayers", () => {
    assert.equal(parse({ [`${P}relayer.count`]: "5" }).relayer.count, 5);
  });

  test("structured (--path) relayer.count gives 5 relayers", () => {
    assert.equal(parse({ [`${P}relayer`]: JSON.stringify({ count: 5 }) }).relayer.count, 5);
  });

  test("a flat key overrides the structured one, and other structured fields stay", () => {
    const c = parse({ [`${P}relayer`]: JSON.stringify({ count: 3, validationMode: "eager" }), [`${P}relayer.count`]: "4" });
    assert.equal(c.relayer.count, 4);
    assert.equal(c.relayer.validationMode, "eager");
  });

  test("keys of other namespaces are ignored", () => {
    assert.equal(parse({ "kubernetes:context": "kind-x", "pulumi:autonaming": "{}" }).namespace, "relayminer-localnet");
  });

  test("flat booleans and JSON overrides are coerced", () => {
    const c = parse({ [`${P}observability.enabled`]: "false", [`${P}miner.config`]: '{"batch_size":10}' });
    assert.equal(c.observability.enabled, false);
    assert.deepEqual(c.miner.config, { batch_size: 10 });
  });

  test("validator.timing is fast by default, mainnet on request, and nothing else", () => {
    assert.equal(parse({}).validator.timing, "fast");
    assert.equal(parse({ [`${P}validator.timing`]: "mainnet" }).validator.timing, "mainnet");
    assert.match(problemsOf({ [`${P}validator.timing`]: "slow" })[0], /^validator\.timing = "slow": .*fast.*mainnet/);
  });

  test("miner failover timings the relay-miner would reject are named with the key and the floor", () => {
    const problems = problemsOf({ [`${P}miner.config`]: JSON.stringify({ leader_election: { leader_ttl_seconds: 3 }, supplier_claiming: { renew_rate_seconds: 20 } }) });
    assert.deepEqual(problems, ["miner.config.leader_election.leader_ttl_seconds = 3: must be an integer of at least 5"]);
    assert.deepEqual(problemsOf({ [`${P}miner.config`]: JSON.stringify({ supplier_claiming: { renew_rate_seconds: 20 } }) }), [
      "miner.config.supplier_claiming.renew_rate_seconds = 20: must be less than claim_ttl_seconds (15)",
    ]);
  });

  test("a flat key below a scalar is reported", () => {
    const { problems } = mergeRawConfig({ [`${P}namespace`]: "x", [`${P}namespace.sub`]: "y" });
    assert.match(problems[0].message, /namespace is "x", not an object/);
  });
});

describe("config errors name the key, the value and what is allowed", () => {
  test("unknown nested key suggests the right one", () => {
    const [p] = problemsOf({ [`${P}relayer.cuont`]: "5" });
    assert.equal(p, "relayer.cuont: unknown key; did you mean relayer.count?");
  });

  test("unknown top-level key suggests the right one", () => {
    const [p] = problemsOf({ [`${P}relayers.count`]: "5" });
    assert.match(p, /^relayers: unknown key; did you mean relayer\?/);
  });

  test("unknown key with no close match lists the known keys", () => {
    const [p] = problemsOf({ [`${P}redis.zzzzzzzz`]: "1" });
    assert.match(p, /known keys here: enabled, mode, cluster/);
  });

  test("counts have bounds", () => {
    assert.deepEqual(problemsOf({ [`${P}relayer.count`]: "21" }), ['relayer.count = "21": must be an integer from 0 to 20']);
    assert.deepEqual(problemsOf({ [`${P}miner.count`]: "-1" }), ['miner.count = "-1": must be an integer from 0 to 10']);
    assert.deepEqual(problemsOf({ [`${P}relayer.count`]: "many" }), ['relayer.count = "many": must be an integer from 0 to 20']);
  });

  test("redis.mode is standalone or cluster", () => {
    assert.deepEqual(problemsOf({ [`${P}redis.mode`]: "sentinel" }), ['redis.mode = "sentinel": must be one of standalone, cluster']);
  });

  test("relayer validation mode is eager or optimistic", () => {
    assert.deepEqual(problemsOf({ [`${P}relayer.validationMode`]: "lazy" }), ['relayer.validationMode = "lazy": must be one of eager, optimistic']);
  });

  test("namespace must be a DNS label", () => {
    const [p] = problemsOf({ [`${P}namespace`]: "My_Namespace" });
    assert.match(p, /^namespace = "My_Namespace": must be a DNS label/);
  });

  test("Redis is required when relay-miners are deployed", () => {
    const [p] = problemsOf({ [`${P}redis.enabled`]: "false" });
    assert.match(p, /^redis.enabled = false: Redis is required while relay-miners are deployed \(miner.count = 2, relayer.count = 2\)/);
    assert.equal(parse({ [`${P}redis.enabled`]: "false", [`${P}miner.count`]: "0", [`${P}relayer.count`]: "0" }).redis.enabled, false);
  });

  test("relayers need a miner", () => {
    const [p] = problemsOf({ [`${P}miner.count`]: "0" });
    assert.match(p, /^miner.count = 0: relayers \(relayer.count = 2\) need at least 1 miner/);
  });

  test("relayers need a backend, or an external one", () => {
    const [p] = problemsOf({ [`${P}backend.enabled`]: "false" });
    assert.match(p, /^backend.enabled = false: relayers \(relayer.count = 2\) need a backend/);
    const [q] = problemsOf({ [`${P}backend.enabled`]: "false", [`${P}backend.externalHost`]: "10.0.0.5" });
    assert.match(q, /^backend.externalHost = "10.0.0.5": must be a DNS name starting with a letter/);
    const c = parse({ [`${P}backend.enabled`]: "false", [`${P}backend.externalHost`]: "my-node.default.svc" });
    assert.equal(c.backend.externalHost, "my-node.default.svc");
  });

  test("referenced files must exist", () => {
    const [p] = problemsOf({ [`${P}validator.genesisFile`]: "nope.yaml" });
    assert.match(p, /^validator.genesisFile = "nope.yaml": no such file/);
    const [q] = problemsOf({ [`${P}build.relayminerSource`]: "../no-such-checkout", [`${P}relayMiner.version`]: "v0.1.2" });
    assert.match(q, /^build.relayminerSource = "..\/no-such-checkout": no such directory/);
  });

  test("two host ports may not clash, replicas included", () => {
    const [p] = problemsOf({ [`${P}ports.grafana`]: "6379" });
    assert.match(p, /host port 6379 is used by ports.redis and ports.grafana/);
    // relayer replica 1 takes relayerRelay + 1
    const [q] = problemsOf({ [`${P}ports.relayerHealth`]: "8181" });
    assert.match(q, /host port 8181 is used by ports.relayerRelay \(replica 1\) and ports.relayerHealth \(replica 0\)/);
  });

  test("disabled parts free their host ports", () => {
    // Grafana is not deployed, so its host port may equal Redis's without a clash.
    const c = parse({ [`${P}observability.enabled`]: "false", [`${P}ports.grafana`]: "6379" });
    assert.equal(c.ports.grafana, 6379);
  });

  test("backend.config is checked with the backend's own schema", () => {
    const [p] = problemsOf({ [`${P}backend.config`]: JSON.stringify({ error_rate: 2 }) });
    assert.match(p, /^backend\.config\.error_rate = 2: /);
    const [q] = problemsOf({ [`${P}backend.config`]: JSON.stringify({ eror_rate: 0.1 }) });
    assert.match(q, /^backend\.config\.eror_rate: unknown field "eror_rate"; allowed fields: backend_id, /);
    assert.equal(parse({ [`${P}backend.config`]: JSON.stringify({ error_rate: 0.1, delay_ms: 5 }) }).backend.config.error_rate, 0.1);
  });

  test("overrides may not move what the localnet owns", () => {
    assert.deepEqual(problemsOf({ [`${P}relayer.config`]: JSON.stringify({ listen_addr: "0.0.0.0:1", logging: { level: "debug" } }) }), [
      "relayer.config.listen_addr: is set by the localnet (ports come from ports.*, URLs from the topology, keys from the genesis); remove it from relayer.config",
    ]);
    const [p] = problemsOf({ [`${P}backend.config`]: JSON.stringify({ http_port: 1 }) });
    assert.match(p, /^backend\.config\.http_port: is set by the localnet/);
  });

  test("image references: registries with ports and digests pass, junk does not", () => {
    const c = parse({ [`${P}images.backend`]: "localhost:5001/relayminer-localnet/backend:3f2a9c", [`${P}images.grafana`]: `grafana/grafana@sha256:${"a".repeat(64)}` });
    assert.equal(c.images.backend, "localhost:5001/relayminer-localnet/backend:3f2a9c");
    assert.deepEqual(problemsOf({ [`${P}images.pocketd`]: "pocketd latest" }), [
      'images.pocketd = "pocketd latest": must be an image reference such as redis:8.10.2-alpine or localhost:5001/backend:dev',
    ]);
  });

  test("Redis meets the chosen relay-miner's minimum, named with both versions; unversioned tags are trusted", () => {
    assert.deepEqual(problemsOf({ [`${P}images.redis`]: "redis:8.4-alpine" }), [
      'images.redis = "redis:8.4-alpine": is Redis 8.4.0, below 8.10.0, the minimum of relay-miner v0.1.2 (relayMiner.version: both binaries refuse an older Redis at startup); use a Redis 8.10.0 or newer image, or a relayMiner.version whose minimum it meets (ad37bcb)',
    ]);
    assert.deepEqual(problemsOf({ [`${P}images.redis`]: "redis:7.2-alpine", [`${P}relayMiner.version`]: "ad37bcb" }), [
      'images.redis = "redis:7.2-alpine": is Redis 7.2.0, below 8.2.0, the minimum of relay-miner ad37bcb (relayMiner.version: the miner acknowledges relays with XACKDEL); use a Redis 8.2.0 or newer image',
    ]);
    assert.equal(parse({ [`${P}images.redis`]: "redis:8.4-alpine", [`${P}relayMiner.version`]: "ad37bcb" }).images.redis, "redis:8.4-alpine");
    assert.equal(parse({ [`${P}images.redis`]: "redis:8.10.0" }).images.redis, "redis:8.10.0");
    assert.equal(parse({ [`${P}images.redis`]: "registry.local:5000/redis:edge" }).images.redis, "registry.local:5000/redis:edge");
    assert.equal(parse({ [`${P}images.redis`]: "redis:7.2-alpine", [`${P}redis.enabled`]: "false", [`${P}miner.count`]: "0", [`${P}relayer.count`]: "0" }).redis.enabled, false);
  });

  test("the default Redis image meets the current release's minimum", () => {
    const c = parse({});
    assert.equal(c.relayMiner.version, "v0.1.2");
    assert.equal(c.images.redis, "redis:8.10.2-alpine");
  });

  test("an evicting Redis is refused where the version refuses to start on one", () => {
    assert.deepEqual(problemsOf({ [`${P}redis.evictionPolicy`]: "allkeys-lru" }), [
      'redis.evictionPolicy = "allkeys-lru": relay-miner v0.1.2 (relayMiner.version) refuses to start unless Redis\' maxmemory-policy is noeviction; allowed: noeviction',
    ]);
    assert.equal(parse({ [`${P}redis.evictionPolicy`]: "allkeys-lru", [`${P}relayMiner.version`]: "ad37bcb" }).redis.evictionPolicy, "allkeys-lru");
  });

  test("overrides the chosen version refuses are named with their key; the pinned commit's own rules apply to it", () => {
    const override = { [`${P}miner.config`]: JSON.stringify({ logging: { level: "trace" }, leader_election: { leader_ttl_seconds: 3 } }) };
    assert.deepEqual(problemsOf(override), [
      // Named once: the type check's message where both checks refuse a key.
      "miner.config.leader_election.leader_ttl_seconds = 3: must be an integer of at least 5",
      'miner.config.logging.level = "trace": must be one of debug, info, warn, error (relay-miner v0.1.2, relayMiner.version)',
    ]);
    assert.deepEqual(problemsOf({ ...override, [`${P}relayMiner.version`]: "ad37bcb" }), ["miner.config.leader_election.leader_ttl_seconds = 3: must be an integer of at least 5"]);
  });

  test("every problem is reported at once", () => {
    const problems = problemsOf({ [`${P}redis.mode`]: "x", [`${P}relayer.count`]: "99", [`${P}nope`]: "1" });
    assert.equal(problems.length, 3);
  });

  test("the message is readable and says how to fix it", () => {
    try {
      parse({ [`${P}redis.mode`]: "x" });
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^Invalid relayminer-localnet stack configuration \(1 problem\):\n {2}- redis.mode = "x"/);
      assert.match(e.message, /pulumi config set/);
    }
  });
});
