import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { backendConfigSchema, BackendConfigError, loadConfig, parseConfig } from "./config";

const dir = mkdtempSync(join(tmpdir(), "backend-config-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BackendConfigError, `expected BackendConfigError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected a BackendConfigError");
};

test("defaults: empty config is valid and uses the registry's container ports", () => {
  const c = parseConfig({});
  assert.deepEqual([c.http_port, c.admin_port, c.grpc_port, c.metrics_port], [8545, 8546, 50051, 9095]);
  assert.equal(c.workers, "auto");
  assert.equal(c.error_rate, 0);
  assert.equal(c.error_code, 500);
  assert.equal(c.chain.mode, "interval");
  assert.equal(c.streams.sse_interval_ms, 200);
  assert.equal(c.journal.capacity, 1000);
  assert.deepEqual(c.faults, []);
});

test("the reference's config.yaml loads unchanged", () => {
  const p = file(
    "ref.yaml",
    "http_port: 8545\ngrpc_port: 50051\nmetrics_port: 9095\nerror_rate: 0.0\nerror_codes: [200]\ndelay_ms: 0\nbroken_compression: false\nfat_payload_bytes: 0\n",
  );
  const { config } = loadConfig({ argv: ["--config", p], env: {} });
  assert.deepEqual(config.error_codes, [200]);
});

test("unknown keys are rejected, naming the field and the allowed ones", () => {
  const msg = errorOf(() => parseConfig({ chain: { mode: "manual", blok_time_ms: 5 } }));
  assert.match(msg, /chain: unknown field "blok_time_ms"; allowed fields: enabled, mode, block_time_ms/);
  const top = errorOf(() => parseConfig({ eror_rate: 1 }));
  assert.match(top, /\(top level\): unknown field "eror_rate"/);
});

test("bad values name the field, the value and what is allowed", () => {
  const msg = errorOf(() => parseConfig({ error_rate: 2, faults: [{ action: { type: "explode" } }] }));
  assert.match(msg, /error_rate: .*<=1.* \(got 2\)/);
  assert.match(msg, /faults\[0\]\.action\.type: .*'none' \| 'http_status'.* \(got "explode"\)/);
  const lat = errorOf(() => parseConfig({ faults: [{ latency: { ttfb: { type: "uniform", min_ms: 9, max_ms: 1 } } }] }));
  assert.match(lat, /faults\[0\]\.latency\.ttfb\.max_ms: min_ms must be <= max_ms/);
});

test("env overrides beat the file and are coerced; bad env values name the variable", () => {
  const p = file("env.yaml", "error_rate: 0.1\nchain:\n  mode: interval\n");
  const { config } = loadConfig({
    argv: [],
    env: {
      BACKEND_CONFIG: p,
      BACKEND_ERROR_RATE: "0.5",
      BACKEND_ERROR_CODES: "502,503",
      BACKEND_WORKERS: "3",
      BACKEND_CHAIN_MODE: "manual",
      POD_NAME: "backend-7",
      BACKEND_SEED: "42",
      BACKEND_BROKEN_COMPRESSION: "true",
    },
  });
  assert.equal(config.error_rate, 0.5);
  assert.deepEqual(config.error_codes, [502, 503]);
  assert.equal(config.workers, 3);
  assert.equal(config.chain.mode, "manual");
  assert.equal(config.backend_id, "backend-7", "POD_NAME is the identity fallback");
  assert.equal(config.seed, 42);
  assert.equal(config.broken_compression, true);
  assert.equal(loadConfig({ argv: [], env: { BACKEND_CONFIG: p, BACKEND_ID: "b1", POD_NAME: "p" } }).config.backend_id, "b1");
  assert.match(
    errorOf(() => loadConfig({ argv: [], env: { BACKEND_CONFIG: p, BACKEND_ERROR_RATE: "lots" } })),
    /BACKEND_ERROR_RATE="lots": expected a number/,
  );
  assert.match(
    errorOf(() => loadConfig({ argv: [], env: { BACKEND_CONFIG: p, BACKEND_ERROR_RATE: "7" } })),
    /error_rate \[from BACKEND_ERROR_RATE\]: .* \(got 7\)/,
  );
});

test("config file location: --config, --config=, BACKEND_CONFIG; missing default is fine, missing explicit is not", () => {
  const p = file("flag.yaml", "backend_id: from-flag\n");
  assert.equal(loadConfig({ argv: ["--config", p], env: {} }).config.backend_id, "from-flag");
  assert.equal(loadConfig({ argv: [`--config=${p}`], env: { BACKEND_CONFIG: "/nope" } }).config.backend_id, "from-flag");
  assert.match(
    errorOf(() => loadConfig({ argv: [], env: { BACKEND_CONFIG: join(dir, "missing.yaml") } })),
    /cannot read config file .*missing\.yaml: ENOENT/,
  );
  assert.match(
    errorOf(() => loadConfig({ argv: [], env: { BACKEND_CONFIG: file("bad.yaml", "a: [1,\n") } })),
    /not valid YAML/,
  );
  assert.match(
    errorOf(() => loadConfig({ argv: [], env: { BACKEND_CONFIG: file("list.yaml", "- 1\n") } })),
    /must be a YAML mapping \(got a list\)/,
  );
});

test("fault rule shorthand: a bare number is a fixed latency", () => {
  const c = backendConfigSchema.parse({ faults: [{ method: "eth_call", latency: { ttfb: 25 } }] });
  assert.deepEqual(c.faults[0].latency!.ttfb, { type: "fixed", ms: 25 });
  assert.deepEqual(c.faults[0].action, { type: "none" });
});
