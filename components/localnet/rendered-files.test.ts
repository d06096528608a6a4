/**
 * Timing, economics and simulation as the program renders them into the relay-miner configs and
 * the genesis, under Pulumi's mocks.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { runProgram, sharedRun } from "../../test/support/mock-program";
import { configYaml, genesisOf } from "../../test/support/rendered-objects";

describe("timing, economics and simulation in the rendered files", () => {
  test("default: miners' failover timings follow the 2 s blocks, and the chain's windows absorb a crash", async () => {
    const run = await sharedRun();
    const miner = configYaml(run, "miner-config");
    assert.deepEqual(miner.leader_election, { leader_ttl_seconds: 5, heartbeat_rate_seconds: 1 });
    assert.deepEqual(miner.supplier_claiming, { claim_ttl_seconds: 15, renew_rate_seconds: 3, rebalance_interval_seconds: 5 });
    const shared = genesisOf(run).app_state.shared.params;
    assert.equal(shared.num_blocks_per_session, "10");
    assert.equal(shared.claim_window_close_offset_blocks, "19");
    assert.equal(shared.proof_window_close_offset_blocks, "19");
    assert.equal(shared.application_unbonding_period_sessions, "4");
  });

  test("validator.timing=mainnet: 20-block sessions, 10-block grace; block time 6 s stretches the miners' leases with it", async () => {
    const run = await runProgram({ "validator.timing": "mainnet", "validator.blockTimeSeconds": "6" });
    const shared = genesisOf(run).app_state.shared.params;
    assert.deepEqual([shared.num_blocks_per_session, shared.grace_period_end_offset_blocks, shared.claim_window_open_offset_blocks], ["20", "10", "11"]);
    const miner = configYaml(run, "miner-config");
    assert.equal(miner.block_time_seconds, 6);
    assert.equal(miner.leader_election.leader_ttl_seconds, 12);
  });

  test("the relayer answers simulated relays for one dev identity per service, keyed by the genesis's public keys", async () => {
    const run = await sharedRun();
    const sim = configYaml(run, "relayer-config").simulation;
    assert.equal(sim.enabled, true);
    assert.deepEqual(
      sim.identities.map((i: { key_id: string }) => i.key_id),
      ["sim-cometbft", "sim-grpc", "sim-http", "sim-stream", "sim-websocket"],
    );
    // The staked application of develop-http and its gateway, by the public keys genesis registers.
    const state = genesisOf(run).app_state;
    const pubKeyOf = (address: string) => Buffer.from(state.auth.accounts.find((a: { address: string }) => a.address === address).pub_key.key, "base64").toString("hex");
    const app = state.application.applicationList.find((a: { service_configs: { service_id: string }[] }) => a.service_configs[0].service_id === "develop-http");
    const http = sim.identities.find((i: { key_id: string }) => i.key_id === "sim-http");
    assert.deepEqual(http.allowed_services, ["develop-http"]);
    assert.equal(http.app_pubkey_hex, pubKeyOf(app.address));
    assert.deepEqual(http.gateway_pubkeys_hex, app.delegatee_gateway_addresses.map(pubKeyOf));
  });

  test("relayer.config decides over simulation: off, or its own identities", async () => {
    const off = await runProgram({ "relayer.config": JSON.stringify({ simulation: { enabled: false } }) });
    assert.equal(configYaml(off, "relayer-config").simulation.enabled, false);
    const own = await runProgram({ "relayer.config": JSON.stringify({ simulation: { identities: [] } }) });
    assert.deepEqual(configYaml(own, "relayer-config").simulation.identities, []);
  });
});
