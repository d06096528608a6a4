/**
 * The validator's configure script, run with sh + sed over a home shaped like `pocketd init`'s
 * (the real-binary tier runs it over a real one).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validatorConfigureScript } from "./validator-scripts";

const configToml = `timeout_commit = "5s"
[rpc]
laddr = "tcp://127.0.0.1:26657"
cors_allowed_origins = []
[p2p]
laddr = "tcp://0.0.0.0:26656"
allow_duplicate_ip = false
[instrumentation]
prometheus = false
prometheus_listen_addr = ":26660"
`;
const appToml = `minimum-gas-prices = ""
[api]
enable = false
address = "tcp://localhost:1317"
enabled-unsafe-cors = false
[grpc]
enable = false
address = "localhost:9090"
`;

function home() {
  const root = mkdtempSync(join(tmpdir(), "rml-validator-"));
  const h = join(root, "home");
  mkdirSync(join(h, "config"), { recursive: true });
  writeFileSync(join(h, "config", "config.toml"), configToml);
  writeFileSync(join(h, "config", "app.toml"), appToml);
  for (const d of ["genesis", "keys"]) mkdirSync(join(root, d));
  writeFileSync(join(root, "genesis", "genesis.json"), '{"chain_id":"pocket"}');
  writeFileSync(join(root, "genesis", "priv_validator_state.json"), '{"height":"0"}');
  writeFileSync(join(root, "keys", "priv_validator_key.json"), "{}");
  writeFileSync(join(root, "keys", "node_key.json"), "{}");
  return { root, h };
}

describe("validator configure script", () => {
  test("applies the localnet settings and copies the generated files", () => {
    const { root, h } = home();
    const script = validatorConfigureScript({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), node: { blockTimeSeconds: 3, listenHost: "0.0.0.0" } });
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const cfg = readFileSync(join(h, "config", "config.toml"), "utf8");
    assert.match(cfg, /^timeout_commit = "3s"$/m);
    assert.match(cfg, /\[rpc\]\nladdr = "tcp:\/\/0\.0\.0\.0:26657"\ncors_allowed_origins = \["\*"\]/);
    assert.match(cfg, /\[p2p\]\nladdr = "tcp:\/\/0\.0\.0\.0:26656"/);
    assert.match(cfg, /^prometheus = true$/m);
    assert.match(cfg, /^prometheus_listen_addr = "0\.0\.0\.0:26660"$/m);
    const app = readFileSync(join(h, "config", "app.toml"), "utf8");
    assert.match(app, /\[api\]\nenable = true\naddress = "tcp:\/\/0\.0\.0\.0:1317"\nenabled-unsafe-cors = true/);
    assert.match(app, /\[grpc\]\nenable = true\naddress = "0\.0\.0\.0:9090"/);
    assert.equal(readFileSync(join(h, "config", "genesis.json"), "utf8"), '{"chain_id":"pocket"}');
    assert.equal(readFileSync(join(h, "data", "priv_validator_state.json"), "utf8"), '{"height":"0"}');
  });

  test("a kept home keeps its signing state and a second run changes nothing", () => {
    const { root, h } = home();
    const script = validatorConfigureScript({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), node: { blockTimeSeconds: 2, listenHost: "0.0.0.0" } });
    assert.equal(spawnSync("sh", ["-c", script]).status, 0);
    writeFileSync(join(h, "data", "priv_validator_state.json"), '{"height":"42"}');
    const before = readFileSync(join(h, "config", "config.toml"), "utf8");
    assert.equal(spawnSync("sh", ["-c", script]).status, 0);
    assert.equal(readFileSync(join(h, "data", "priv_validator_state.json"), "utf8"), '{"height":"42"}');
    assert.equal(readFileSync(join(h, "config", "config.toml"), "utf8"), before);
  });

  test("a kept chain whose genesis changed starts fresh; with the same genesis it is kept", () => {
    const { root, h } = home();
    const script = validatorConfigureScript({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), node: { blockTimeSeconds: 2, listenHost: "0.0.0.0" } });
    const run = () => spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(run().status, 0);
    // The chain ran: it has a block store and has signed up to height 42.
    mkdirSync(join(h, "data", "blockstore.db"));
    writeFileSync(join(h, "data", "blockstore.db", "000001.log"), "blocks");
    writeFileSync(join(h, "data", "priv_validator_state.json"), '{"height":"42"}');

    const same = run();
    assert.equal(same.status, 0, same.stderr);
    assert.doesNotMatch(same.stdout, /genesis changed/);
    assert.ok(existsSync(join(h, "data", "blockstore.db", "000001.log")), "same genesis: the chain state must be kept");
    assert.equal(readFileSync(join(h, "data", "priv_validator_state.json"), "utf8"), '{"height":"42"}');

    writeFileSync(join(root, "genesis", "genesis.json"), '{"chain_id":"pocket","app_state":{"changed":true}}');
    const changed = run();
    assert.equal(changed.status, 0, changed.stderr);
    assert.match(changed.stdout, /genesis changed since this chain started/);
    assert.ok(!existsSync(join(h, "data", "blockstore.db")), "new genesis: the old block store must go");
    assert.equal(readFileSync(join(h, "data", "priv_validator_state.json"), "utf8"), '{"height":"0"}');
    assert.equal(readFileSync(join(h, "config", "genesis.json"), "utf8"), '{"chain_id":"pocket","app_state":{"changed":true}}');
  });

  test("a home freshly made by pocketd init (its own genesis, no blocks) is not reported as changed", () => {
    const { root, h } = home();
    writeFileSync(join(h, "config", "genesis.json"), '{"chain_id":"from-init"}');
    mkdirSync(join(h, "data"));
    writeFileSync(join(h, "data", "priv_validator_state.json"), '{"height":"0","round":0}');
    const script = validatorConfigureScript({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), node: { blockTimeSeconds: 2, listenHost: "0.0.0.0" } });
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /genesis changed/);
    assert.equal(readFileSync(join(h, "config", "genesis.json"), "utf8"), '{"chain_id":"pocket"}');
  });

  test("a home without pocketd init fails with a clear message", () => {
    const root = mkdtempSync(join(tmpdir(), "rml-validator-"));
    const script = validatorConfigureScript({ home: join(root, "h"), genesisDir: root, keysDir: root, node: { blockTimeSeconds: 2, listenHost: "0.0.0.0" } });
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /config.toml missing: run pocketd init first/);
  });
});
