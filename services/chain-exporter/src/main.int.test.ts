/**
 * The exporter as a process against a node that serves recorded block results (a real run's,
 * testdata/block-results) and a REST API with two pages of applications: the scrape carries the
 * session's claim, proof, settlement and rewards, the stakes, and the exporter's own health.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { freePort } from "../../../test/support/ports";
import { stopProcess } from "../../../test/support/process";

const blocks: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, "..", "testdata", "block-results", "settled-200-relays.json"), "utf8"));
const latest = Math.max(...Object.keys(blocks).map(Number)) + 5;
const supplier1 = "pokt19a3t4yunp0dlpfjrp7qwnzwlrzd5fzs2gjaaaj";

/** CometBFT RPC + REST in one fake node. */
function fakeNode(): Server {
  return createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (u.pathname === "/status") return json({ result: { node_info: { network: "pocket" }, sync_info: { latest_block_height: String(latest), latest_block_time: "" } } });
    if (u.pathname === "/block_results") {
      const h = u.searchParams.get("height")!;
      return json(blocks[h] ?? { result: { height: h, txs_results: null, finalize_block_events: [] } });
    }
    if (u.pathname === "/pokt-network/poktroll/application/application") {
      const second = u.searchParams.get("pagination.key") === "page2";
      return json(
        second
          ? { applications: [{ address: "app2", stake: { denom: "upokt", amount: "50" } }], pagination: { next_key: null } }
          : { applications: [{ address: "app1", stake: { denom: "upokt", amount: "980000000" } }], pagination: { next_key: "page2" } },
      );
    }
    if (u.pathname === "/pokt-network/poktroll/supplier/supplier") return json({ supplier: [{ operator_address: supplier1, stake: { amount: "2000000" } }], pagination: {} });
    if (u.pathname === `/cosmos/bank/v1beta1/balances/${supplier1}/by_denom`) return json({ balance: { denom: "upokt", amount: "13000000" } });
    res.writeHead(404).end();
  });
}

describe("the chain exporter process", () => {
  let node: Server;
  let exporter: ChildProcess;
  let port: number;
  let output = "";

  before(async () => {
    node = fakeNode();
    await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
    const nodeUrl = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
    port = await freePort();
    exporter = spawn(
      process.execPath,
      ["--import", "tsx", join(__dirname, "main.ts"), "--rpc", nodeUrl, "--rest", nodeUrl, "--host", "127.0.0.1", "--port", String(port), "--interval", "0.2"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    exporter.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    exporter.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  });
  after(async () => {
    await stopProcess(exporter);
    await new Promise((r) => node.close(r));
  });

  async function scrapeWhen(pred: (text: string) => boolean): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .catch(() => "");
      if (pred(text)) return text;
      if (Date.now() > deadline || exporter.exitCode !== null) assert.fail(`no such scrape in 30 s; last:\n${text}\nexporter output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test("serves the session's path on chain, the rewards, the stakes and its own health", async () => {
    const text = await scrapeWhen((t) => t.includes(`localnet_chain_height ${latest}\n`) && t.includes("localnet_chain_up 1\n"));
    const k = `service_id="develop-http",supplier="${supplier1}"`;
    for (const line of [
      `localnet_chain_up 1`,
      `localnet_chain_claimed_relays_total{${k}} 200`,
      `localnet_chain_proved_relays_total{${k}} 200`,
      `localnet_chain_proof_checks_total{${k},status="valid"} 1`,
      `localnet_chain_settlements_total{${k},proof_requirement="threshold"} 1`,
      `localnet_chain_settled_relays_total{${k}} 200`,
      `localnet_chain_settled_upokt_total{${k}} 20000000`,
      `localnet_chain_rewards_upokt_total{service_id="develop-http",recipient="${supplier1}"} 14000000`,
      `localnet_chain_application_stake_upokt{application="app1"} 980000000`,
      `localnet_chain_application_stake_upokt{application="app2"} 50`,
      `localnet_chain_supplier_stake_upokt{supplier="${supplier1}"} 2000000`,
      `localnet_chain_supplier_balance_upokt{supplier="${supplier1}"} 13000000`,
      `localnet_chain_blocks_read_total ${latest}`,
      `localnet_chain_application_stake_start_upokt{application="app1"} 980000000`,
    ]) {
      assert.ok(text.split("\n").includes(line), `missing ${line} in\n${text}`);
    }
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    assert.match(output, /level=info msg="read relay-path events" blocks=\d+ events=4/);
  });

  test("a second exporter with a bad setting exits 2 with one line naming it", async () => {
    const r = spawn(process.execPath, ["--import", "tsx", join(__dirname, "main.ts"), "--rpc", "http://127.0.0.1:1", "--rest", "http://127.0.0.1:1", "--interval", "soon"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    r.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => r.once("exit", res));
    assert.equal(code, 2);
    assert.equal(err.trim(), 'chain exporter: --interval (POLL_INTERVAL_SECONDS) = "soon": allowed: seconds between reads, 0.2-600 (default 2)');
  });
});
