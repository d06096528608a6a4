/**
 * The chain exporter as the localnet runs it (the command line the observability part renders),
 * against a real pocketd with the stack's genesis, on loopback: it becomes ready, follows the
 * height block by block, reports every application's and supplier's genesis stake and balance,
 * and counts no claim on a chain that served no relay. Against a closed loopback port it stays
 * unready and counts its read errors instead of exiting.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chainExporterArgs } from "../../components/observability/chain-exporter";
import { startChain, waitForHeight, type RunningChain } from "./chain";
import { freePorts, httpGet, repoRoot, Scratch, skipUnlessBuilt, tool, waitFor, type Proc } from "./support";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition's samples (no escapes in the exporter's label values: addresses and words). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

const byLabel = (all: Sample[], name: string, label: string) => new Map(all.filter((s) => s.name === name).map((s) => [s.labels[label], s.value]));
const one = (all: Sample[], name: string) => all.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.value;

/** The exporter with the pod's flags, but listening on a loopback port and reading the given node. */
function startExporter(scratch: Scratch, dir: string, o: { rpcUrl: string; restUrl: string; port: number; accounts: string; intervalSeconds: number }): Proc {
  const podArgs = chainExporterArgs(o).slice(2);
  const args = podArgs.map((a) => (a.startsWith("--port=") ? `--port=${o.port}` : a.startsWith("--accounts=") ? `--accounts=${o.accounts}` : a));
  return scratch.start("chain-exporter", process.execPath, ["--import", "tsx", "services/chain-exporter/src/main.ts", ...args, "--host=127.0.0.1"], {
    cwd: repoRoot,
    logFile: join(dir, `chain-exporter-${o.port}.log`),
  });
}

async function scrape(port: number): Promise<Sample[]> {
  const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
  assert.equal(r?.status, 200, "the exporter serves /metrics");
  return samples(r.body);
}

describe("chain exporter against a real pocketd", { skip: skipUnlessBuilt("pocketd") }, () => {
  const scratch = new Scratch();
  let chain: RunningChain;
  let port = 0;
  let exporter: Proc;
  const blockTimeSeconds = 1;

  before(async () => {
    const dir = scratch.dir("chain-exporter");
    chain = await startChain(scratch, tool("pocketd"), { blockTimeSeconds, stackConfig: { "validator.blockTimeSeconds": String(blockTimeSeconds) } });
    await waitForHeight(chain, 2);
    [port] = (await freePorts(1)) as [number];
    exporter = startExporter(scratch, dir, {
      rpcUrl: chain.rpcUrl,
      restUrl: chain.restUrl,
      port,
      accounts: join(chain.genesis.genesisDir, "keys.json"),
      intervalSeconds: blockTimeSeconds,
    });
    await waitFor("chain exporter /ready", async () => ((await httpGet(`http://127.0.0.1:${port}/ready`))?.status === 200 ? true : undefined), 60_000, 250, exporter);
  });
  after(() => scratch.cleanup());

  test("it follows the chain: up, the height advances with the node's, every block is read once", async () => {
    const first = await scrape(port);
    assert.equal(one(first, "localnet_chain_up"), 1);
    const h1 = one(first, "localnet_chain_height") ?? 0;
    assert.ok(h1 >= 2, `height ${h1}`);
    const target = (await chain.height()) + 3;
    await waitForHeight(chain, target);
    const later = await waitFor(
      `the exporter at height ${target}`,
      async () => {
        const s = await scrape(port);
        return (one(s, "localnet_chain_height") ?? 0) >= target ? s : undefined;
      },
      60_000,
      250,
      exporter,
    );
    const h2 = one(later, "localnet_chain_height") ?? 0;
    const read = one(later, "localnet_chain_blocks_read_total") ?? 0;
    // It reads from block 1, so the blocks read are exactly the heights it reached (none twice, none skipped).
    assert.equal(read, h2, `blocks read at height ${h2}`);
    assert.equal(later.filter((s) => s.name === "localnet_chain_read_errors_total" && s.value > 0).length, 0, "no read error against a healthy node");
  });

  test("stakes and balances are the genesis's, per application and supplier, and the start values equal them", async () => {
    const s = await scrape(port);
    const state = JSON.parse(chain.genesis.artifacts.publicFiles["genesis.json"]).app_state;
    const apps = state.application.applicationList as { address: string; stake: { amount: string } }[];
    const suppliers = state.supplier.supplierList as { operator_address: string; stake: { amount: string } }[];
    assert.ok(apps.length > 0 && suppliers.length > 0);
    const appStake = byLabel(s, "localnet_chain_application_stake_upokt", "application");
    const supStake = byLabel(s, "localnet_chain_supplier_stake_upokt", "supplier");
    assert.deepEqual(new Map(apps.map((a) => [a.address, Number(a.stake.amount)])), appStake);
    assert.deepEqual(new Map(suppliers.map((x) => [x.operator_address, Number(x.stake.amount)])), supStake);
    assert.deepEqual(byLabel(s, "localnet_chain_application_stake_start_upokt", "application"), appStake);
    assert.deepEqual(byLabel(s, "localnet_chain_supplier_stake_start_upokt", "supplier"), supStake);
    // Balances: the bank module's, as genesis funded each supplier's operator account.
    const balances = new Map(
      (state.bank.balances as { address: string; coins: { denom: string; amount: string }[] }[]).map((b) => [
        b.address,
        Number(b.coins.find((c) => c.denom === "upokt")?.amount ?? 0),
      ]),
    );
    const supBalance = byLabel(s, "localnet_chain_supplier_balance_upokt", "supplier");
    for (const x of suppliers) assert.equal(supBalance.get(x.operator_address), balances.get(x.operator_address), `balance of ${x.operator_address}`);
  });

  test("no relay was served: no claim, proof, settlement, reward or slash is counted", async () => {
    const s = await scrape(port);
    const counted = s.filter((x) => /^localnet_chain_(claims|proofs|settlements|rewards_upokt|slashes|expirations)_total$/.test(x.name) && x.value > 0);
    assert.deepEqual(counted, []);
  });

  test("a node that does not answer (a closed loopback port): unready, up 0, read errors counted, the process keeps serving", async () => {
    const [closed, exporterPort] = (await freePorts(2)) as [number, number];
    const dir = scratch.dir("chain-exporter-down");
    const down = startExporter(scratch, dir, {
      rpcUrl: `http://127.0.0.1:${closed}`,
      restUrl: `http://127.0.0.1:${closed}`,
      port: exporterPort,
      accounts: join(chain.genesis.genesisDir, "keys.json"),
      intervalSeconds: 0.2,
    });
    const s = await waitFor(
      "read errors counted",
      async () => {
        const r = await httpGet(`http://127.0.0.1:${exporterPort}/metrics`);
        if (r?.status !== 200) return undefined;
        const all = samples(r.body);
        return all.some((x) => x.name === "localnet_chain_read_errors_total" && x.value >= 2) ? all : undefined;
      },
      30_000,
      200,
      down,
    );
    assert.equal(one(s, "localnet_chain_up"), 0);
    assert.equal((await httpGet(`http://127.0.0.1:${exporterPort}/ready`))?.status, 503);
    assert.equal(down.exitCode, undefined, "still running");
  });
});
