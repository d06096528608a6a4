/**
 * The relay path to settlement with the real binaries, as the localnet configures them (2 s
 * blocks, 2 miners on one Redis, 1 relayer, our backend and genesis):
 *   - `npm run verify -- --send 200` (the CLI, through a forward plan): claimed, proved, settled;
 *   - a SIGKILL of the leader right after 200 relays, mid-session: the standby takes the lock and
 *     the leases, and claim, proof and settlement still land with all 200;
 *   - a 1-relay session is claimed and settled without a proof, and the supplier earns;
 *   - leader takeover after SIGKILL, 3 times, against the derived worst case.
 * Times are printed for the record; assertions hold only the derived bounds (plus slack for a
 * loaded machine). RML_RECORD_BLOCK_RESULTS=<dir> also writes the block results as fixtures.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { minerHaTimings, worstLeaderTakeoverSeconds, worstSupplierTakeoverSeconds } from "../../components/timing/failover";
import { consumerNameOfLeader } from "../../components/topology/names";
import { awaitRecovery, type KeyReader, leaseOwners, leasesRetaken, newLeader, readerOf, realClock } from "../../scripts/chaos/recovery";
import { parseRedisUrl } from "../../scripts/status/args";
import { connect, type Connection } from "../../scripts/status/connect";
import { sessionEndOf, sessionWindows, type SessionWindows } from "../../scripts/verify/chain";
import { endpointsOf } from "../../scripts/verify/endpoints";
import { scrapeRelayers, scrapeSettled, servedBetween, servedKey } from "../../scripts/verify/metrics";
import { settleAndReconcile, type VerifyReport } from "../../scripts/verify/run";
import { recordBlockResults } from "./record-blocks";
import { startRelayNetwork, type RelayNetwork } from "./relay-network";
import { waitForSessionStart } from "./chain";
import { repoRoot, run, Scratch, skipUnlessBuilt, waitFor } from "./support";

const BLOCK_TIME = 2;
const ha = minerHaTimings(BLOCK_TIME);
/** Slack on the derived worst cases for a loaded 2-core machine (poll interval, process start-up). */
const slackMs = 5_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("relay path with real binaries: verify, a crashed leader, small sessions, takeover", { skip: skipUnlessBuilt("pocket-relay-miner") }, () => {
  const scratch = new Scratch();
  let net: RelayNetwork;
  let conn: Connection;
  let reader: KeyReader;
  let windows: SessionWindows;
  const suppliers = () => net.chain.genesis.artifacts.summary.suppliers;
  const endpoints = () => endpointsOf(net.forwards());
  const takeovers: { leaderMs: number; leasesMs: number }[] = [];

  before(async () => {
    net = await startRelayNetwork(scratch, { blockTimeSeconds: BLOCK_TIME, miners: 2, relayers: 1 });
    conn = await connect(parseRedisUrl(net.redis.url));
    reader = readerOf(conn);
    windows = await sessionWindows(net.chain.restUrl);
  });
  after(async () => {
    console.log(`takeovers after SIGKILL of the leader (ms): ${takeovers.map((t) => `lock ${t.leaderMs}, leases ${t.leasesMs}`).join("; ")}`);
    conn?.close();
    net?.redis.close();
    await scratch.cleanup();
  });

  /** Blocks until the chain is within the first blocks of a session (so relays land mid-session). */
  function atSessionStart(): Promise<number> {
    return waitForSessionStart(net.chain, windows, BLOCK_TIME);
  }

  const summary = (r: Omit<VerifyReport, "send">) =>
    `${JSON.stringify(r.reconciliation.rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\ntimeline ${JSON.stringify(r.timeline)}\n` +
    `problems ${JSON.stringify(r.reconciliation.problems)}`;

  async function record(name: string, r: Omit<VerifyReport, "send">) {
    const file = await recordBlockResults(net.chain.rpcUrl, name, r.scope.firstSessionEnd - windows.numBlocksPerSession + 1, r.scope.toHeight);
    if (file) console.log(`recorded ${file}`);
  }

  /** Sends relays to one supplier and returns what the relayers counted for them, and the heights. */
  async function served(send: () => void) {
    const before = await scrapeRelayers(endpoints().relayerMetrics);
    const fromHeight = await net.chain.height();
    send();
    const counts = servedBetween(before.served, (await scrapeSettled(endpoints().relayerMetrics, realClock.sleep)).served);
    return { counts, heights: { fromHeight, lastHeight: await net.chain.height() } };
  }

  test("npm run verify -- --send 200: every relay claimed, proved and settled, with the balances that moved", async () => {
    const file = net.writeForwardsFile();
    const env = { ...process.env, PATH: `${dirname(net.prm)}:${process.env.PATH}` };
    const r = run(process.execPath, ["--import", "tsx", "scripts/verify.ts", "--forwards-file", file, "--send", "200", "--json", "--timeout", "400"], {
      cwd: repoRoot,
      env,
      allowFail: true,
      timeoutMs: 600_000,
    });
    assert.equal(r.status, 0, `verify failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(r.stdout);
    const row = report.reconciliation.rows.find((x: { service: string; supplier: string }) => x.service === "develop-http" && x.supplier === suppliers()[0]);
    assert.deepEqual([row.served, row.claimed, row.proved, row.settled, row.expired], [200, 200, 200, 200, 0]);
    assert.equal(row.settledUpokt, "20000000");
    const supplierBalance = report.balances.find((b: { role: string; account: string }) => b.role === "supplier" && b.account === suppliers()[0]);
    const appStake = report.balances.find((b: { role: string }) => b.role === "application stake");
    console.log(
      `verify --send 200: timeline ${JSON.stringify(report.timeline)}; supplier ${BigInt(supplierBalance.after) - BigInt(supplierBalance.before)} upokt; ` +
        `application stake ${BigInt(appStake.after) - BigInt(appStake.before)} upokt; waited ${report.waitedSeconds} s`,
    );
    // 70% of 20 POKT, less the proof fee (1 POKT) and two tx fees; the application pays 20 POKT.
    assert.ok(BigInt(supplierBalance.after) - BigInt(supplierBalance.before) > 12_000_000n);
    assert.equal(BigInt(appStake.after) - BigInt(appStake.before), -20_000_000n);
    await record("settled-200-relays-verify", report);
  });

  test("SIGKILL of the leader right after 200 relays, mid-session: the standby takes over and all 200 are claimed, proved and settled", async () => {
    await atSessionStart();
    const leaderIndex = (await net.leaderIndex())!;
    const leaderId = (await net.leaderId())!;
    const owned = [...(await leaseOwners(reader)).entries()].filter(([, o]) => o === consumerNameOfLeader(leaderId)).map(([s]) => s);
    assert.ok(owned.length > 0, `the leader ${leaderId} holds no supplier lease`);
    const supplier = owned.find((s) => s !== suppliers()[0]) ?? owned[0];

    const sent = await served(() => {
      const r = net.sendRelays({ service: "develop-http", count: 200, supplier });
      assert.equal(r.succeeded, 200, r.output.slice(-2000));
    });
    const killedAt = Date.now();
    net.miners[leaderIndex].proc!.signal("SIGKILL");
    const lock = await awaitRecovery(newLeader(reader, leaderId), { clock: realClock, boundMs: worstLeaderTakeoverSeconds(ha) * 1000 + slackMs, since: killedAt });
    const leases = await awaitRecovery(leasesRetaken(reader, owned, consumerNameOfLeader(leaderId)), {
      clock: realClock,
      boundMs: worstSupplierTakeoverSeconds(ha) * 1000 + slackMs,
      since: killedAt,
      intervalMs: 200,
    });
    console.log(
      `crash: killed ${leaderId} at height ${sent.heights.lastHeight} (session ends ${sessionEndOf(windows, sent.heights.lastHeight)}); ` +
        `lock: ${lock.detail} after ${lock.afterMs} ms; ${owned.length} leases: ${leases.detail} after ${leases.afterMs} ms`,
    );
    assert.ok(lock.ok, `no new leader: ${lock.detail}`);
    assert.ok(leases.ok, `leases not retaken: ${leases.detail}`);
    takeovers.push({ leaderMs: lock.afterMs, leasesMs: leases.afterMs });

    const report = await settleAndReconcile(endpoints(), sent.counts, sent.heights, { timeoutSeconds: 400 });
    console.log(`crash run on chain:\n${summary(report)}`);
    await record("crash-200-relays", report);
    const row = report.reconciliation.rows.find((x) => x.supplier === supplier && x.service === "develop-http")!;
    assert.equal(sent.counts.get(servedKey("develop-http", supplier)), 200);
    assert.deepEqual([row.claimed, row.proved, row.settled, row.expired], [200, 200, 200, 0], summary(report));
    assert.ok(report.reconciliation.ok, summary(report));

    net.startMiner(leaderIndex);
  });

  test("a 1-relay session is claimed and settled without a proof, and the supplier earns more than it pays", async () => {
    const supplier = suppliers()[5];
    const sent = await served(() => {
      const r = net.sendRelays({ service: "develop-http", count: 1, supplier });
      assert.equal(r.succeeded, 1, r.output.slice(-2000));
    });
    const report = await settleAndReconcile(endpoints(), sent.counts, sent.heights, { timeoutSeconds: 400 });
    console.log(`1 relay:\n${summary(report)}\nbalances ${JSON.stringify(report.balances, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    await record("settled-1-relay", report);
    const session = report.reconciliation.sessions.find((s) => s.supplier === supplier)!;
    assert.equal(session.settledRelays, 1);
    assert.equal(session.proofRequirement, "not_required");
    assert.equal(session.proofHeight, undefined, "no proof was submitted (or paid for)");
    const balance = report.balances.find((b) => b.account === supplier)!;
    assert.ok(balance.after - balance.before > 0n, `supplier balance moved by ${balance.after - balance.before} upokt`);
    assert.ok(report.reconciliation.ok, summary(report));
  });

  test("leader takeover after SIGKILL, 3 times: within the derived worst case; the leases follow", async () => {
    for (let round = 0; round < 3; round++) {
      // Both miners up, registered and holding leases, so the kill leaves work to take over.
      await waitFor(
        "two miners holding leases",
        async () => {
          const owners = new Set((await leaseOwners(reader)).values());
          return owners.size === 2 && net.miners.every((m) => m.proc?.running) ? true : undefined;
        },
        60_000,
        250,
      );
      const leaderIndex = (await net.leaderIndex())!;
      const leaderId = (await net.leaderId())!;
      const owned = [...(await leaseOwners(reader)).entries()].filter(([, o]) => o === consumerNameOfLeader(leaderId)).map(([s]) => s);
      assert.ok(owned.length > 0, `the leader ${leaderId} holds no supplier lease`);
      const killedAt = Date.now();
      net.miners[leaderIndex].proc!.signal("SIGKILL");
      const lock = await awaitRecovery(newLeader(reader, leaderId), {
        clock: realClock,
        boundMs: worstLeaderTakeoverSeconds(ha) * 1000 + slackMs,
        since: killedAt,
        intervalMs: 100,
      });
      const leases = await awaitRecovery(leasesRetaken(reader, owned, consumerNameOfLeader(leaderId)), {
        clock: realClock,
        boundMs: worstSupplierTakeoverSeconds(ha) * 1000 + slackMs,
        since: killedAt,
        intervalMs: 100,
      });
      console.log(`round ${round + 1}: lock ${lock.detail} after ${lock.afterMs} ms; ${owned.length} leases after ${leases.afterMs} ms`);
      assert.ok(lock.ok && leases.ok, `${lock.detail}; ${leases.detail}`);
      takeovers.push({ leaderMs: lock.afterMs, leasesMs: leases.afterMs });
      await net.miners[leaderIndex].proc!.exited;
      net.startMiner(leaderIndex);
    }
    const last3 = takeovers.slice(-3);
    console.log(
      `leader takeover median ${median(last3.map((t) => t.leaderMs))} ms (worst case ${worstLeaderTakeoverSeconds(ha)} s); ` +
        `lease takeover median ${median(last3.map((t) => t.leasesMs))} ms (worst case ${worstSupplierTakeoverSeconds(ha)} s)`,
    );
  });

  test("for comparison: after SIGTERM the leader shuts down gracefully, releases the lock, and the standby takes it on its next heartbeat", async () => {
    await waitFor("two miners running", async () => (net.miners.every((m) => m.proc?.running) ? true : undefined), 30_000);
    await waitFor("a leader", async () => (await net.leaderIndex()) ?? undefined, 30_000);
    const leaderIndex = (await net.leaderIndex())!;
    const leaderId = (await net.leaderId())!;
    const proc = net.miners[leaderIndex].proc!;
    const stoppedAt = Date.now();
    proc.signal("SIGTERM");
    // The relay-miner keeps the lock (and renews it) until its shutdown is done.
    await waitFor("the leader to exit", async () => (proc.running ? undefined : true), 60_000, 50);
    const exitMs = Date.now() - stoppedAt;
    const lock = await awaitRecovery(newLeader(reader, leaderId), {
      clock: realClock,
      boundMs: exitMs + ha.heartbeatRateSeconds * 1000 + slackMs,
      since: stoppedAt,
      intervalMs: 50,
    });
    console.log(`SIGTERM: the leader exited after ${exitMs} ms; ${lock.detail} held the lock after ${lock.afterMs} ms (${lock.afterMs - exitMs} ms after the exit)`);
    assert.ok(lock.ok, lock.detail);
    net.startMiner(leaderIndex);
  });
});
