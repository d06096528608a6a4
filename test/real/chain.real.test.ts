/**
 * The real chain accepts our genesis: `pocketd genesis validate`, then a single-node chain started
 * the way the validator pod starts it (init + our configure script), at least 3 blocks, and its
 * state queried over REST matches genesis/localnet.yaml: services, applications, gateways,
 * suppliers, stakes, the validator, balances and every account's public key.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultEndpointUrl } from "../../genesis/pocket-state";
import { relayerEndpointUrl } from "../../components/topology/names";
import { containerPorts } from "../../components/topology/ports";
import type { Coin } from "../../genesis/coins";
import { chainHeight, startChain, waitForHeight, writeGenesis, type RunningChain } from "./chain";
import { getJson, run, Scratch, tool, waitFor } from "./support";

interface KeysJson {
  accounts: { name: string; address: string; pubkey?: string }[];
}

const coin = (c: Coin) => ({ denom: c.denom, amount: c.amount.toString() });
const byKey = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

describe("chain: pocketd and our genesis", () => {
  const scratch = new Scratch();
  let pocketd: string;

  before(() => {
    pocketd = tool("pocketd");
  });
  after(() => scratch.cleanup());

  test("pocketd genesis validate accepts the generated genesis", () => {
    const dir = scratch.dir("validate");
    const g = writeGenesis(dir);
    // v0.1.35: `genesis validate [file]` (alias validate-genesis); --home only for the default path.
    const r = run(pocketd, ["genesis", "validate", join(g.genesisDir, "genesis.json"), "--home", join(dir, "home")], { allowFail: true });
    assert.equal(r.status, 0, `pocketd genesis validate rejected our genesis:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /is a valid genesis file/);
  });

  describe("a node started from it", () => {
    let chain: RunningChain;
    let names: Map<string, string>; // account name -> address
    let keys: KeysJson;
    const q = <T = any>(path: string) => getJson<T>(`${chain.restUrl}${path}`);

    before(async () => {
      chain = await startChain(scratch, pocketd);
      await waitForHeight(chain, 3);
      keys = JSON.parse(readFileSync(join(chain.genesis.genesisDir, "keys.json"), "utf8")) as KeysJson;
      names = new Map(keys.accounts.map((a) => [a.name, a.address]));
    });
    const addr = (name: string) => {
      const a = names.get(name);
      assert.ok(a, `no address for ${name} in keys.json`);
      return a;
    };

    test("produces blocks with our validator and chain id", async () => {
      const status = await getJson<any>(`${chain.rpcUrl}/status`);
      assert.equal(status.result.node_info.network, chain.genesis.input.chainId);
      assert.equal(status.result.node_info.id, chain.genesis.artifacts.summary.nodeId);
      assert.ok(Number(status.result.sync_info.latest_block_height) >= 3);
      const vals = await q<any>("/cosmos/staking/v1beta1/validators");
      assert.equal(vals.validators.length, 1);
      const v = vals.validators[0];
      assert.equal(v.operator_address, chain.genesis.artifacts.summary.validatorOperatorAddress);
      assert.equal(v.status, "BOND_STATUS_BONDED");
      assert.equal(v.tokens, chain.genesis.input.validator.selfDelegation.amount.toString());
      assert.equal(v.description.moniker, chain.genesis.input.validator.moniker);
    });

    test("services match localnet.yaml", async () => {
      const got: any[] = (await q<any>("/pokt-network/poktroll/service/service?pagination.limit=1000")).service;
      const want = chain.genesis.input.services.map((s) => ({
        id: s.id,
        name: s.name,
        compute_units_per_relay: String(s.computeUnitsPerRelay),
        owner_address: addr(s.owner),
      }));
      const pick = (s: any) => ({ id: s.id, name: s.name, compute_units_per_relay: s.compute_units_per_relay, owner_address: s.owner_address });
      assert.deepEqual(
        byKey(got.map(pick), (s) => s.id),
        byKey(want, (s) => s.id),
      );
    });

    test("applications, their stakes, services and delegations match", async () => {
      const got: any[] = (await q<any>("/pokt-network/poktroll/application/application?pagination.limit=1000")).applications;
      const want = chain.genesis.input.applications.map((a) => ({
        address: addr(a.account),
        stake: coin(a.stake),
        services: [...a.services].sort(),
        gateways: a.delegateeGateways.map(addr).sort(),
      }));
      const pick = (a: any) => ({
        address: a.address,
        stake: a.stake,
        services: a.service_configs.map((s: any) => s.service_id).sort(),
        gateways: [...a.delegatee_gateway_addresses].sort(),
      });
      assert.deepEqual(
        byKey(got.map(pick), (a) => a.address),
        byKey(want, (a) => a.address),
      );
      assert.deepEqual(got.map((a: any) => a.address).sort(), [...chain.genesis.artifacts.summary.applications].sort());
    });

    test("gateways and their stakes match", async () => {
      const got: any[] = (await q<any>("/pokt-network/poktroll/gateway/gateway?pagination.limit=1000")).gateways;
      const want = chain.genesis.input.gateways.map((g) => ({ address: addr(g.account), stake: coin(g.stake) }));
      assert.deepEqual(
        byKey(
          got.map((g: any) => ({ address: g.address, stake: g.stake })),
          (g) => g.address,
        ),
        byKey(want, (g) => g.address),
      );
    });

    test("suppliers, their stakes, endpoints and revenue shares match", async () => {
      const got: any[] = (await q<any>("/pokt-network/poktroll/supplier/supplier?pagination.limit=1000")).supplier;
      const endpoint = relayerEndpointUrl("relayminer-localnet", containerPorts.relayer.relay);
      const want = chain.genesis.input.suppliers.map((s) => ({
        operator: addr(s.operator),
        owner: addr(s.owner),
        stake: coin(s.stake),
        services: byKey(
          s.services.map((svc) => ({
            id: svc.id,
            endpoints: svc.endpoints.map((e) => ({ url: e.url ?? defaultEndpointUrl(endpoint, e.rpcType), rpc_type: e.rpcType })),
            revShare: svc.revShare.length ? svc.revShare.map((r) => ({ address: addr(r.account), pct: String(r.percentage) })) : [{ address: addr(s.owner), pct: "100" }],
          })),
          (x) => x.id,
        ),
      }));
      const pick = (s: any) => ({
        operator: s.operator_address,
        owner: s.owner_address,
        stake: s.stake,
        services: byKey(
          s.services.map((svc: any) => ({
            id: svc.service_id,
            endpoints: svc.endpoints.map((e: any) => ({ url: e.url, rpc_type: e.rpc_type })),
            revShare: svc.rev_share.map((r: any) => ({ address: r.address, pct: String(r.rev_share_percentage) })),
          })),
          (x: any) => x.id,
        ),
      });
      assert.equal(got.length, want.length);
      assert.deepEqual(
        byKey(got.map(pick), (s) => s.operator),
        byKey(want, (s) => s.operator),
      );
    });

    test("every account has the public key and the balance localnet.yaml gives it", async () => {
      const v = chain.genesis.input.validator;
      for (const a of chain.genesis.input.accounts) {
        const address = addr(a.name);
        const key = keys.accounts.find((k) => k.name === a.name)?.pubkey;
        const acct = (await q<any>(`/cosmos/auth/v1beta1/accounts/${address}`)).account;
        if (key) {
          assert.ok(acct.pub_key, `${a.name} (${address}) has no public key on chain`);
          assert.equal(acct.pub_key["@type"], "/cosmos.crypto.secp256k1.PubKey", a.name);
          assert.equal(Buffer.from(acct.pub_key.key, "base64").toString("hex"), key, `${a.name} public key`);
        }
        const balances = (await q<any>(`/cosmos/bank/v1beta1/balances/${address}?pagination.limit=1000`)).balances as { denom: string; amount: string }[];
        // The gentx moved the self-delegation out of the validator's balance into the bonded pool.
        const want = a.balance
          .map((c) => ({
            denom: c.denom,
            amount: (a.name === v.account && c.denom === v.selfDelegation.denom ? c.amount - v.selfDelegation.amount : c.amount).toString(),
          }))
          .filter((c) => c.amount !== "0");
        assert.deepEqual(
          byKey(balances, (c) => c.denom),
          byKey(want, (c) => c.denom),
          `${a.name} balance`,
        );
      }
    });

    test("the node logged no consensus failure and is still running", () => {
      assert.ok(chain.proc.running, `pocketd exited:\n${chain.proc.tail()}`);
      assert.doesNotMatch(chain.proc.log(), /CONSENSUS FAILURE|panic:/);
    });
  });
  describe("a kept validator home across pod restarts (validator.keepState)", () => {
    let chain: RunningChain;
    /** Block 1's hash names the chain: a chain from another genesis has another block 1. */
    let firstBlock: string;
    const blockOne = async () => (await getJson<any>(`${chain.rpcUrl}/block?height=1`)).result.block_id.hash as string;
    before(async () => {
      chain = await startChain(scratch, pocketd);
      await waitForHeight(chain, 3);
      firstBlock = await blockOne();
    });
    const genesisFile = () => join(chain.genesis.genesisDir, "genesis.json");
    /** The same genesis with another genesis_time: a different chain as far as CometBFT is concerned. */
    const changedGenesis = () => {
      const doc = JSON.parse(readFileSync(genesisFile(), "utf8")) as { genesis_time: string };
      doc.genesis_time = new Date(Date.parse(doc.genesis_time) + 60_000).toISOString().replace(".000Z", "Z");
      return { doc, text: JSON.stringify(doc, null, 2) };
    };

    test("same genesis: the chain goes on from the height it stopped at", async () => {
      const stoppedAt = await chain.height();
      await chain.restart();
      assert.doesNotMatch(chain.configureOutput, /genesis changed/);
      const h = await waitForHeight(chain, stoppedAt + 1);
      assert.ok(h > stoppedAt, `height ${h} after a restart at ${stoppedAt}`);
    });

    test("why a changed genesis needs a fresh chain: over kept state, pocketd ignores it and runs the old chain on", async () => {
      const stoppedAt = await chain.height();
      await chain.proc.stop();
      const dir = scratch.dir("kept-home");
      const copy = join(dir, "home");
      cpSync(chain.home, copy, { recursive: true });
      writeFileSync(join(copy, "config", "genesis.json"), changedGenesis().text);
      const proc = scratch.start(
        "pocketd-kept",
        pocketd,
        [
          "start",
          "--home",
          copy,
          "--rpc.pprof_laddr",
          `127.0.0.1:${chain.ports.pprof}`,
          "--proxy_app",
          `tcp://127.0.0.1:${chain.ports.proxyApp}`,
          "--log_format",
          "plain",
          "--log_no_color",
        ],
        { logFile: join(dir, "pocketd.log") },
      );
      try {
        // A chain from the new genesis would begin at block 1; this one continues the old blocks.
        const h = await waitFor(
          "a block after the kept height",
          async () => {
            const x = await chainHeight(chain.rpcUrl).catch(() => 0);
            return x > stoppedAt ? x : undefined;
          },
          60_000,
          300,
          proc,
        );
        assert.ok(h > stoppedAt, `height ${h}`);
        assert.equal(await blockOne(), firstBlock, "the kept home should still be the old chain");
      } finally {
        await proc.stop();
      }
    });

    test("changed genesis: the configure step starts a fresh chain from it and says so", async () => {
      const { doc, text } = changedGenesis();
      writeFileSync(genesisFile(), text); // what a changed ConfigMap mounts
      await chain.restart();
      assert.match(chain.configureOutput, /genesis changed since this chain started/);
      await waitForHeight(chain, 2);
      const g = await getJson<any>(`${chain.rpcUrl}/genesis`);
      assert.equal(g.result.genesis.genesis_time, doc.genesis_time);
      assert.notEqual(await blockOne(), firstBlock, "still the old chain: block 1 is the same");
    });
  });
});
