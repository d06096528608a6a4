/**
 * Config that used to slip through: each case names the key, the bad value and what is allowed.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackConfig } from "./load";
import { ConfigError } from "./errors";

const dir = mkdtempSync(join(tmpdir(), "rml-rules-"));
mkdirSync(join(dir, "genesis"));
writeFileSync(join(dir, "genesis", "localnet.yaml"), "chainId: pocket\n");
writeFileSync(join(dir, "a-file"), "x");
const ctx = { projectDir: dir };
const P = "relayminer-localnet:";

const withPrefix = (raw: Record<string, string>) => Object.fromEntries(Object.entries(raw).map(([k, v]) => [`${P}${k}`, v]));
const parse = (raw: Record<string, string>) => parseStackConfig(withPrefix(raw), ctx);

function problemsOf(raw: Record<string, string>): string[] {
  try {
    parse(raw);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems.map((p) => `${p.key}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}: ${p.message}`);
  }
  assert.fail("expected the config to be rejected");
}
const overrides = (role: "relayer" | "miner", o: unknown) => ({ [`${role}.config`]: JSON.stringify(o) });

describe("per-replica host ports", () => {
  test("the last replica's port must be a port (base + count - 1 <= 65535)", () => {
    assert.deepEqual(problemsOf({ "ports.relayerRelay": "65535" }), [
      "ports.relayerRelay = 65535: with relayer.count = 2 the last replica would use host port 65536; allowed: a base port up to 65534 (replica i uses base + i)",
    ]);
    assert.equal(parse({ "ports.relayerRelay": "65535", "relayer.count": "1" }).ports.relayerRelay, 65535);
    const [p] = problemsOf({ "ports.minerPprof": "65530", "miner.count": "10" });
    assert.match(p, /^ports\.minerPprof = 65530: with miner\.count = 10 the last replica would use host port 65539/);
  });

  test("ranges are checked against each other for the chosen counts", () => {
    assert.equal(parse({ "ports.relayerHealth": "8181", "relayer.count": "1" }).ports.relayerHealth, 8181);
    const [p] = problemsOf({ "ports.relayerHealth": "8183", "relayer.count": "5" });
    assert.match(p, /host port 8183 is used by ports.relayerRelay \(replica 3\) and ports.relayerHealth \(replica 0\)/);
  });
});

describe("relay-miner overrides have the shapes the relay-miner accepts", () => {
  test("the parent of an owned key must be a mapping", () => {
    const [p] = problemsOf(overrides("relayer", { redis: "nope" }));
    assert.match(p, /^relayer\.config\.redis = "nope": must be a mapping \(keys: url, pool_size, /);
    const [q] = problemsOf(overrides("miner", { metrics: ["x"] }));
    assert.match(q, /^miner\.config\.metrics = \["x"\]: must be a mapping \(keys: enabled, addr\)/);
    // Setting a non-owned sibling of an owned key is fine.
    assert.equal(parse(overrides("relayer", { redis: { pool_size: 50 } })).relayer.config.redis !== undefined, true);
  });

  test("services: a mapping of service ids; backends keyed by transport type; enums checked", () => {
    assert.deepEqual(problemsOf(overrides("relayer", { services: ["develop-http"] })), ['relayer.config.services = ["develop-http"]: must be a mapping']);
    assert.deepEqual(problemsOf(overrides("relayer", { services: { "develop-http": { default_backend: "ws", backends: { ws: { url: "ws://x" } } } } })), [
      'relayer.config.services.develop-http.default_backend = "ws": must be one of jsonrpc, rest, websocket, grpc, cometbft',
      "relayer.config.services.develop-http.backends.ws: unknown key; allowed: jsonrpc, rest, websocket, grpc, cometbft",
    ]);
    const [p] = problemsOf(overrides("relayer", { services: { "develop-http": { max_body_size_bytes: 10 } } }));
    assert.equal(p, "relayer.config.services.develop-http.max_body_size_bytes = 10: must be an integer of at least 1024");
    const ok = parse(overrides("relayer", { services: { "develop-http": { timeout_profile: "streaming", backends: { jsonrpc: { headers: { "X-A": "b" } } } } } }));
    assert.ok(ok.relayer.config.services);
  });

  test("logging.level is one of the relay-miner's levels", () => {
    assert.deepEqual(problemsOf(overrides("relayer", { logging: { level: "verbose" } })), [
      'relayer.config.logging.level = "verbose": must be one of trace, debug, info, warn, error',
    ]);
    assert.deepEqual(problemsOf(overrides("miner", { logging: { level: 3 } })), ["miner.config.logging.level = 3: must be one of trace, debug, info, warn, error"]);
    // trace: the pinned commit's level; the release refuses it.
    const trace = { ...overrides("miner", { logging: { level: "trace" } }), "relayMiner.version": "ad37bcb" };
    assert.equal((parse(trace).miner.config.logging as { level: string }).level, "trace");
  });

  test("known_applications is a list of pokt1 addresses", () => {
    assert.deepEqual(problemsOf(overrides("miner", { known_applications: "pokt1x" })), [
      'miner.config.known_applications = "pokt1x": must be a list, each a string like a pokt1… application address',
    ]);
    assert.deepEqual(problemsOf(overrides("miner", { known_applications: ["app1"] })), [
      'miner.config.known_applications[0] = "app1": must be a string like a pokt1… application address',
    ]);
    const app = "pokt1mrqt5f7qh8uxs27cjm9t7v9e74a9vvdnq5jva4";
    assert.deepEqual(parse(overrides("miner", { known_applications: [app] })).miner.config.known_applications, [app]);
  });

  test("numbers, bounds and typos of other keys", () => {
    assert.deepEqual(problemsOf(overrides("miner", { leader_election: { leader_ttl_seconds: 2 }, transaction: { tx_timeout_max_seconds: 600 }, session_ttl: "1 day" })), [
      "miner.config.leader_election.leader_ttl_seconds = 2: must be an integer of at least 5",
      "miner.config.transaction.tx_timeout_max_seconds = 600: must be an integer from 1 to 599",
      'miner.config.session_ttl = "1 day": must be a string like "2h" or "90s"',
    ]);
    assert.deepEqual(problemsOf(overrides("relayer", { loging: { level: "debug" } })), [
      "relayer.config.loging: unknown key (ignored by the relay-miner); did you mean relayer.config.logging?",
    ]);
  });
});

describe("numbers are plain decimal integers", () => {
  for (const bad of ["0x3", "1e1", " 3", "3.0", "0b11"]) {
    test(`relayer.count = ${JSON.stringify(bad)} is refused`, () => {
      assert.deepEqual(problemsOf({ "relayer.count": bad }), [`relayer.count = ${JSON.stringify(bad)}: must be an integer from 0 to 20`]);
    });
  }
  test("also inside a structured (--path) value", () => {
    assert.deepEqual(problemsOf({ relayer: JSON.stringify({ count: "0x3" }) }), ['relayer.count = "0x3": must be an integer from 0 to 20']);
    assert.equal(parse({ relayer: JSON.stringify({ count: "3" }) }).relayer.count, 3);
  });
});

describe("reserved namespaces", () => {
  for (const ns of ["kube-system", "default", "kube-public", "kube-node-lease", "kube-flannel"]) {
    test(`namespace = ${ns} is refused unless kube.allowReservedNamespace is set`, () => {
      const [p] = problemsOf({ namespace: ns });
      assert.match(p, new RegExp(`^namespace = "${ns}": is a namespace Kubernetes keeps for itself .*set kube.allowReservedNamespace = true`));
      assert.equal(parse({ namespace: ns, "kube.allowReservedNamespace": "true" }).namespace, ns);
    });
  }
});

describe("image tags", () => {
  test("every image needs a tag (or digest) and none may be latest", () => {
    assert.deepEqual(problemsOf({ "images.prometheus": "prom/prometheus", "images.grafana": "grafana/grafana:latest" }), [
      'images.prometheus = "prom/prometheus": has no tag; pin one (e.g. prom/prometheus:1.2.3) so every `up` deploys the same image',
      'images.grafana = "grafana/grafana:latest": uses the tag latest, which moves without `pulumi up` noticing; pin a version tag',
    ]);
    assert.equal(parse({ "images.grafana": `grafana/grafana@sha256:${"a".repeat(64)}` }).images.grafana.startsWith("grafana/grafana@"), true);
  });

  test("the Redis version rule covers untagged, latest and digest-only refs", () => {
    for (const [ref, what] of [
      ["redis", "no tag"],
      ["redis:latest", "the tag latest"],
      ["localhost:5001/redis", "no tag"],
      [`redis@sha256:${"b".repeat(64)}`, "a digest without a tag"],
    ]) {
      assert.deepEqual(problemsOf({ "images.redis": ref }), [
        `images.redis = ${JSON.stringify(ref)}: has ${what}, so its Redis version cannot be checked against relayMiner.version's minimum; pin a version tag (e.g. redis:8.10.2-alpine)`,
      ]);
    }
    assert.equal(parse({ "images.redis": `redis:8.10@sha256:${"b".repeat(64)}` }).images.redis.startsWith("redis:8.10@"), true);
  });
});

describe("contradictions and paths", () => {
  test("backend.externalHost while the backend is deployed is a contradiction", () => {
    assert.deepEqual(problemsOf({ "backend.externalHost": "my-node.other.svc" }), [
      'backend.externalHost = "my-node.other.svc": is used only when backend.enabled = false (relayers forward to the demo backend while it is deployed); unset it, or set backend.enabled = false',
    ]);
  });

  test("build.registry must be one registry reference", () => {
    for (const bad of ["", "localhost:5001\nevil:1", "local host:5001", "http://localhost:5001"]) {
      const [p] = problemsOf({ "build.registry": bad });
      assert.equal(p, `build.registry = ${JSON.stringify(bad)}: must be a registry host[:port][/path] such as localhost:5001`);
    }
    assert.equal(parse({ "build.registry": "reg.local:5000/team" }).build.registry, "reg.local:5000/team");
  });

  test("kube.renderDir may not be a file or below one; a missing directory is fine", () => {
    assert.deepEqual(problemsOf({ "kube.renderDir": "a-file" }), ['kube.renderDir = "a-file": is a file; allowed: a directory (it is created if missing)']);
    const [p] = problemsOf({ "kube.renderDir": "a-file/out" });
    assert.match(p, /^kube\.renderDir = "a-file\/out": is below the file .*a-file; allowed: a directory/);
    assert.equal(parse({ "kube.renderDir": "out/manifests" }).kube.renderDir, "out/manifests");
  });

  test("validator.storageSize must be more than zero", () => {
    for (const zero of ["0", "0Gi", "0.0Mi"]) {
      assert.deepEqual(problemsOf({ "validator.storageSize": zero }), [`validator.storageSize = ${JSON.stringify(zero)}: must be more than zero, e.g. 2Gi`]);
    }
  });
});
