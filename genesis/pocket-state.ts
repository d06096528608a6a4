/**
 * Genesis state of the poktroll modules, in proto3 JSON.
 *
 * Encoding choices: 64-bit integers as strings and doubles as numbers (canonical proto3 JSON; the
 * chain's jsonpb accepts either form). Lists use the names the reference genesis populates
 * (`applicationList`, `gatewayList`, `serviceList`, `supplierList`, ...); the reference also carries
 * vestigial empty `application_list`-style keys, which are left out because the camel name wins anyway.
 */
import { type Coin, coinJson } from "./coins";
import type { ModuleParams } from "./params";
import type { GenesisInput } from "./types";

/** Account name -> bech32 address. */
export type AddressOf = (name: string) => string;

export function pocketParamsJson(p: ModuleParams, daoRewardAddress: string) {
  const s = p.shared;
  const u64 = (n: number) => String(n);
  return {
    shared: {
      num_blocks_per_session: u64(s.num_blocks_per_session),
      grace_period_end_offset_blocks: u64(s.grace_period_end_offset_blocks),
      claim_window_open_offset_blocks: u64(s.claim_window_open_offset_blocks),
      claim_window_close_offset_blocks: u64(s.claim_window_close_offset_blocks),
      proof_window_open_offset_blocks: u64(s.proof_window_open_offset_blocks),
      proof_window_close_offset_blocks: u64(s.proof_window_close_offset_blocks),
      supplier_unbonding_period_sessions: u64(s.supplier_unbonding_period_sessions),
      application_unbonding_period_sessions: u64(s.application_unbonding_period_sessions),
      gateway_unbonding_period_sessions: u64(s.gateway_unbonding_period_sessions),
      compute_units_to_tokens_multiplier: u64(s.compute_units_to_tokens_multiplier),
      compute_unit_cost_granularity: u64(s.compute_unit_cost_granularity),
    },
    session: { num_suppliers_per_session: u64(p.session.num_suppliers_per_session) },
    proof: {
      proof_request_probability: p.proof.proof_request_probability,
      proof_requirement_threshold: coinJson(p.proof.proof_requirement_threshold),
      proof_missing_penalty: coinJson(p.proof.proof_missing_penalty),
      proof_submission_fee: coinJson(p.proof.proof_submission_fee),
    },
    tokenomics: {
      mint_allocation_percentages: { ...p.tokenomics.mint_allocation_percentages },
      dao_reward_address: daoRewardAddress,
      global_inflation_per_claim: p.tokenomics.global_inflation_per_claim,
      mint_equals_burn_claim_distribution: { ...p.tokenomics.mint_equals_burn_claim_distribution },
      mint_ratio: p.tokenomics.mint_ratio,
    },
    application: {
      max_delegated_gateways: u64(p.application.max_delegated_gateways),
      min_stake: coinJson(p.application.min_stake),
    },
    gateway: { min_stake: coinJson(p.gateway.min_stake) },
    supplier: { min_stake: coinJson(p.supplier.min_stake), staking_fee: coinJson(p.supplier.staking_fee) },
    service: { add_service_fee: coinJson(p.service.add_service_fee), target_num_relays: u64(p.service.target_num_relays) },
  };
}

/** The URL a supplier advertises when the YAML gives none: the relayer, with ws(s) for websockets. */
export function defaultEndpointUrl(relayerEndpoint: string, rpcType: string): string {
  if (rpcType !== "WEBSOCKET") return relayerEndpoint;
  return relayerEndpoint.replace(/^http(s?):/, (_m, s: string) => `ws${s}:`);
}

export function pocketModuleStates(input: GenesisInput, addressOf: AddressOf, relayerEndpoint: string) {
  const dao = input.params.tokenomics.dao_reward_address;
  // An account name if there is one by that name, otherwise a literal pokt1 address.
  const params = pocketParamsJson(input.params, input.accounts.some((a) => a.name === dao) ? addressOf(dao) : dao);
  const stake = (c: Coin) => coinJson(c);
  return {
    application: {
      params: params.application,
      applicationList: input.applications.map((a) => ({
        address: addressOf(a.account),
        stake: stake(a.stake),
        service_configs: a.services.map((id) => ({ service_id: id })),
        delegatee_gateway_addresses: a.delegateeGateways.map(addressOf),
      })),
    },
    gateway: {
      params: params.gateway,
      gatewayList: input.gateways.map((g) => ({ address: addressOf(g.account), stake: stake(g.stake) })),
    },
    migration: {
      params: {
        waive_morse_claim_gas_fees: true,
        allow_morse_account_import_overwrite: false,
        morse_account_claiming_enabled: true,
      },
      morseClaimableAccountList: [],
    },
    proof: { params: params.proof, claim_list: [], proof_list: [] },
    service: {
      params: params.service,
      serviceList: input.services.map((s) => ({
        id: s.id,
        name: s.name,
        compute_units_per_relay: String(s.computeUnitsPerRelay),
        owner_address: addressOf(s.owner),
      })),
      relayMiningDifficultyList: [],
    },
    session: { params: params.session },
    shared: { params: params.shared },
    supplier: {
      params: params.supplier,
      // service_config_history is left out: InitGenesis creates one entry per service (active from 1).
      supplierList: input.suppliers.map((s) => ({
        owner_address: addressOf(s.owner),
        operator_address: addressOf(s.operator),
        stake: stake(s.stake),
        services: s.services.map((c) => ({
          service_id: c.id,
          endpoints: c.endpoints.map((e) => ({
            url: e.url ?? defaultEndpointUrl(relayerEndpoint, e.rpcType),
            rpc_type: e.rpcType,
            configs: [],
          })),
          rev_share: (c.revShare.length > 0 ? c.revShare : [{ account: s.owner, percentage: 100 }]).map((r) => ({
            address: addressOf(r.account),
            rev_share_percentage: String(r.percentage),
          })),
        })),
      })),
    },
    tokenomics: { params: params.tokenomics },
  };
}
