/**
 * Genesis state of the Cosmos SDK and IBC modules that the generator does not fill from the YAML.
 * Values are those of the relay-miner's own localnet (see testdata/reference-genesis.json); keys use
 * the proto field names the SDK exports. `auth`, `bank` and `genutil` are built in build.ts.
 */
import { authzExpiration, authzGrantedMessages, bondDenom, moduleAccountAddresses } from "./chain";

/** Every module whose genesis the app reads; keys must all be present (nil JSON fails validation). */
export function sdkModuleStates(authzGrantee: string | undefined): Record<string, unknown> {
  const gov = [...moduleAccountAddresses()].find(([, name]) => name === "gov")![0];
  return {
    authz: {
      authorization:
        authzGrantee === undefined
          ? []
          : authzGrantedMessages.map((msg) => ({
              granter: gov,
              grantee: authzGrantee,
              authorization: { "@type": "/cosmos.authz.v1beta1.GenericAuthorization", msg },
              expiration: authzExpiration,
            })),
    },
    circuit: { account_permissions: [], disabled_type_urls: [] },
    consensus: null,
    crisis: { constant_fee: { denom: bondDenom, amount: "10000" } },
    distribution: {
      params: {
        community_tax: "0.020000000000000000",
        base_proposer_reward: "0.000000000000000000",
        bonus_proposer_reward: "0.000000000000000000",
        withdraw_addr_enabled: true,
      },
      fee_pool: { community_pool: [] },
      delegator_withdraw_infos: [],
      previous_proposer: "",
      outstanding_rewards: [],
      validator_accumulated_commissions: [],
      validator_historical_rewards: [],
      validator_current_rewards: [],
      delegator_starting_infos: [],
      validator_slash_events: [],
    },
    evidence: { evidence: [] },
    feegrant: { allowances: [] },
    gov: {
      starting_proposal_id: "1",
      deposits: [],
      votes: [],
      proposals: [],
      deposit_params: null,
      voting_params: null,
      tally_params: null,
      params: {
        min_deposit: [{ denom: bondDenom, amount: "10000" }],
        max_deposit_period: "172800s",
        voting_period: "172800s",
        quorum: "0.334000000000000000",
        threshold: "0.500000000000000000",
        veto_threshold: "0.334000000000000000",
        min_initial_deposit_ratio: "0.000000000000000000",
        proposal_cancel_ratio: "0.500000000000000000",
        proposal_cancel_dest: "",
        expedited_voting_period: "86400s",
        expedited_threshold: "0.667000000000000000",
        // Must exceed min_deposit in the same denom (the reference used the stray denom "stake").
        expedited_min_deposit: [{ denom: bondDenom, amount: "50000000" }],
        burn_vote_quorum: false,
        burn_proposal_deposit_prevote: false,
        burn_vote_veto: true,
        min_deposit_ratio: "0.010000000000000000",
      },
      constitution: "",
    },
    group: {
      group_seq: "0",
      groups: [],
      group_members: [],
      group_policy_seq: "0",
      group_policies: [],
      proposal_seq: "0",
      proposals: [],
      votes: [],
    },
    // IBC modules are not validated by `genesis validate`, but InitChain reads them: ignite's values.
    ibc: {
      client_genesis: { params: { allowed_clients: ["07-tendermint"] } },
      connection_genesis: { params: { max_expected_time_per_block: 10000000000 } },
      channel_genesis: {
        params: { upgrade_timeout: { height: { revision_number: 0, revision_height: 0 }, timestamp: 300000000000 } },
      },
    },
    interchainaccounts: {
      controller_genesis_state: { params: { controller_enabled: true } },
      host_genesis_state: { port: "icahost", params: { host_enabled: true, allow_messages: ["*"] } },
    },
    // Inflation comes from tokenomics, not x/mint: the 0 max clamps the minter's nominal 13%.
    mint: {
      minter: { inflation: "0.130000000000000000", annual_provisions: "0.000000000000000000" },
      params: {
        mint_denom: bondDenom,
        inflation_rate_change: "0.0",
        inflation_max: "0.0",
        inflation_min: "0.0",
        goal_bonded: "0.670000000000000000",
        blocks_per_year: "6311520",
      },
    },
    params: null,
    runtime: null,
    slashing: {
      params: {
        signed_blocks_window: "100",
        min_signed_per_window: "0.500000000000000000",
        downtime_jail_duration: "600s",
        slash_fraction_double_sign: "0.050000000000000000",
        slash_fraction_downtime: "0.010000000000000000",
      },
      signing_infos: [],
      missed_blocks: [],
    },
    // The validator joins through genutil's gentx; staking state starts empty.
    staking: {
      params: {
        unbonding_time: "1814400s",
        max_validators: 1,
        max_entries: 7,
        historical_entries: 10000,
        bond_denom: bondDenom,
        min_commission_rate: "0.000000000000000000",
      },
      last_total_power: "0",
      last_validator_powers: [],
      validators: [],
      delegations: [],
      unbonding_delegations: [],
      redelegations: [],
      exported: false,
    },
    transfer: { port_id: "transfer", denom_traces: [], params: { send_enabled: true, receive_enabled: true } },
    upgrade: {},
    vesting: {},
  };
}
