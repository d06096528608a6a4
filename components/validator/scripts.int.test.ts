/**
 * The validator's scripts, run for real: configure.sh with sh + sed over a home shaped like
 * `pocketd init`'s (the real-binary tier runs it over a real one), height-gate.sh with wget against
 * an HTTP server that answers like CometBFT's /status.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureEnv, configureScriptPath, type ConfigureScriptInput } from "./scripts";

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

const input = (i: Omit<ConfigureScriptInput, "listenHost">): ConfigureScriptInput => ({ ...i, listenHost: "0.0.0.0" });
const configure = (i: ConfigureScriptInput) => spawnSync("sh", [configureScriptPath], { encoding: "utf8", env: { ...process.env, ...configureEnv(i) } });

describe("validator configure script", () => {
  test("applies the localnet settings and copies the generated files", () => {
    const { root, h } = home();
    const settings = input({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), blockTimeSeconds: 3 });
    const r = configure(settings);
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
    const settings = input({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), blockTimeSeconds: 2 });
    assert.equal(configure(settings).status, 0);
    writeFileSync(join(h, "data", "priv_validator_state.json"), '{"height":"42"}');
    const before = readFileSync(join(h, "config", "config.toml"), "utf8");
    assert.equal(configure(settings).status, 0);
    assert.equal(readFileSync(join(h, "data", "priv_validator_state.json"), "utf8"), '{"height":"42"}');
    assert.equal(readFileSync(join(h, "config", "config.toml"), "utf8"), before);
  });

  test("a kept chain whose genesis changed starts fresh; with the same genesis it is kept", () => {
    const { root, h } = home();
    const settings = input({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), blockTimeSeconds: 2 });
    const run = () => configure(settings);
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
    const settings = input({ home: h, genesisDir: join(root, "genesis"), keysDir: join(root, "keys"), blockTimeSeconds: 2 });
    const r = configure(settings);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /genesis changed/);
    assert.equal(readFileSync(join(h, "config", "genesis.json"), "utf8"), '{"chain_id":"pocket"}');
  });

  test("a home without pocketd init fails with a clear message", () => {
    const root = mkdtempSync(join(tmpdir(), "rml-validator-"));
    const settings = input({ home: join(root, "h"), genesisDir: root, keysDir: root, blockTimeSeconds: 2 });
    const r = configure(settings);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /config.toml missing: run pocketd init first/);
  });
});

describe("validator height gate", () => {
  test("height-gate.sh passes only once the node reports block 1 or later", async () => {
    let height = "0";
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id: -1, result: { sync_info: { latest_block_height: height } } }, null, 2));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const probe = () => spawnAsync("sh", [join(__dirname, "height-gate.sh")], { ...process.env, RPC_PORT: String(port) });
      assert.equal(await probe(), 1, "height 0 must not pass");
      height = "1";
      assert.equal(await probe(), 0);
      height = "42";
      assert.equal(await probe(), 0);
    } finally {
      server.close();
    }
  });
});

/** Exit code of a command run without blocking the event loop (the HTTP server above answers it). */
function spawnAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => spawn(cmd, args, { env, stdio: "ignore" }).on("exit", resolve));
}
