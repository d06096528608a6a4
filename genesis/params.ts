/**
 * Params of the eight poktroll modules: defaults (the reference localnet's values), the YAML override
 * schema (keys are the chain's own param names, as `pocketd query <module> params` prints them), and
 * the rules each module's ValidateGenesis / param validation applies, checked here so a bad override
 * fails before the chain ever sees it.
 */
import { z } from "zod";
import type { Coin } from "./coins";
import type { Problem } from "./errors";
import { coin, fraction, int, strict } from "./zod-util";

export interface Allocation {
  application: number;
  dao: number;
  proposer: number;
  source_owner: number;
  supplier: number;
}

export interface ModuleParams {
  shared: {
    num_blocks_per_session: number;
    grace_period_end_offset_blocks: number;
    claim_window_open_offset_blocks: number;
    claim_window_close_offset_blocks: number;
    proof_window_open_offset_blocks: number;
    proof_window_close_offset_blocks: number;
    supplier_unbonding_period_sessions: number;
    application_unbonding_period_sessions: number;
    gateway_unbonding_period_sessions: number;
    compute_units_to_tokens_multiplier: number;
    compute_unit_cost_granularity: number;
  };
  session: { num_suppliers_per_session: number };
  proof: {
    proof_request_probability: number;
    proof_requirement_threshold: Coin;
    proof_missing_penalty: Coin;
    proof_submission_fee: Coin;
  };
  tokenomics: {
    /** An account name from `accounts`, or a pokt1 address. Resolved to an address when building. */
    dao_reward_address: string;
    global_inflation_per_claim: number;
    mint_allocation_percentages: Allocation;
    mint_equals_burn_claim_distribution: Allocation;
    mint_ratio: number;
  };
  application: { max_delegated_gateways: number; min_stake: Coin };
  gateway: { min_stake: Coin };
  supplier: { min_stake: Coin; staking_fee: Coin };
  service: { add_service_fee: Coin; target_num_relays: number };
}

const upokt = (amount: bigint): Coin => ({ denom: "upokt", amount });
const allocation: Allocation = { application: 0, dao: 0.1, proposer: 0.05, source_owner: 0.15, supplier: 0.7 };

/** The params of the relay-miner's own localnet: 10-block sessions, 8-block windows. */
export function defaultParams(): ModuleParams {
  return {
    shared: {
      num_blocks_per_session: 10,
      grace_period_end_offset_blocks: 1,
      claim_window_open_offset_blocks: 1,
      claim_window_close_offset_blocks: 8,
      proof_window_open_offset_blocks: 0,
      proof_window_close_offset_blocks: 8,
      supplier_unbonding_period_sessions: 20,
      application_unbonding_period_sessions: 2,
      gateway_unbonding_period_sessions: 1,
      compute_units_to_tokens_multiplier: 100,
      compute_unit_cost_granularity: 1,
    },
    session: { num_suppliers_per_session: 15 },
    proof: {
      proof_request_probability: 1,
      proof_requirement_threshold: upokt(20_000_000n),
      proof_missing_penalty: upokt(250_000n),
      proof_submission_fee: upokt(1_000_000n),
    },
    tokenomics: {
      dao_reward_address: "pnf",
      global_inflation_per_claim: 0,
      mint_allocation_percentages: { ...allocation },
      mint_equals_burn_claim_distribution: { ...allocation },
      mint_ratio: 1,
    },
    application: { max_delegated_gateways: 7, min_stake: upokt(100_000_000n) },
    gateway: { min_stake: upokt(1_000_000n) },
    supplier: { min_stake: upokt(1_000_000n), staking_fee: upokt(1_000_000n) },
    service: { add_service_fee: upokt(1_000_000_000n), target_num_relays: 100_000 },
  };
}

const count = int(0);
const allocationSchema = strict({
  application: fraction,
  dao: fraction,
  proposer: fraction,
  source_owner: fraction,
  supplier: fraction,
});

/** YAML `params:`: every module and every param optional; unknown names rejected. */
export const paramOverridesSchema = strict({
  shared: strict({
    num_blocks_per_session: count,
    grace_period_end_offset_blocks: count,
    claim_window_open_offset_blocks: count,
    claim_window_close_offset_blocks: count,
    proof_window_open_offset_blocks: count,
    proof_window_close_offset_blocks: count,
    supplier_unbonding_period_sessions: count,
    application_unbonding_period_sessions: count,
    gateway_unbonding_period_sessions: count,
    compute_units_to_tokens_multiplier: count,
    compute_unit_cost_granularity: count,
  }).partial(),
  session: strict({ num_suppliers_per_session: count }).partial(),
  proof: strict({
    proof_request_probability: fraction,
    proof_requirement_threshold: coin,
    proof_missing_penalty: coin,
    proof_submission_fee: coin,
  }).partial(),
  tokenomics: strict({
    dao_reward_address: z.string(),
    global_inflation_per_claim: fraction,
    mint_allocation_percentages: allocationSchema,
    mint_equals_burn_claim_distribution: allocationSchema,
    mint_ratio: fraction,
  }).partial(),
  application: strict({ max_delegated_gateways: count, min_stake: coin }).partial(),
  gateway: strict({ min_stake: coin }).partial(),
  supplier: strict({ min_stake: coin, staking_fee: coin }).partial(),
  service: strict({ add_service_fee: coin, target_num_relays: count }).partial(),
}).partial();

export type ParamOverrides = z.infer<typeof paramOverridesSchema>;

/**
 * Defaults, then `sharedBase` (shared params a caller derives, e.g. session windows from a timing
 * preset), then the YAML's own `params:` (an explicit choice in the file wins).
 */
export function mergeParams(overrides: ParamOverrides | undefined, sharedBase: Partial<ModuleParams["shared"]> = {}): ModuleParams {
  const base = defaultParams();
  const o = overrides ?? {};
  return {
    shared: { ...base.shared, ...sharedBase, ...o.shared },
    session: { ...base.session, ...o.session },
    proof: { ...base.proof, ...o.proof },
    tokenomics: { ...base.tokenomics, ...o.tokenomics },
    application: { ...base.application, ...o.application },
    gateway: { ...base.gateway, ...o.gateway },
    supplier: { ...base.supplier, ...o.supplier },
    service: { ...base.service, ...o.service },
  };
}

/** The chain's own param rules, checked here so a bad value fails before the chain sees it. */
export function checkParams(p: ModuleParams): Problem[] {
  const problems: Problem[] = [];
  const add = (module: string, name: string, message: string) => problems.push({ path: `params.${module}.${name}`, message });
  const coinRule = (module: string, name: string, c: Coin, min: bigint) => {
    if (c.denom !== "upokt") add(module, name, `denom is "${c.denom}"; the chain only accepts upokt here`);
    else if (c.amount < min) add(module, name, `${c.amount}upokt is too small; must be at least ${min}upokt`);
  };

  const s = p.shared;
  if (s.num_blocks_per_session < 1) add("shared", "num_blocks_per_session", "must be at least 1");
  for (const name of [
    "supplier_unbonding_period_sessions",
    "application_unbonding_period_sessions",
    "gateway_unbonding_period_sessions",
    "compute_units_to_tokens_multiplier",
    "compute_unit_cost_granularity",
  ] as const) {
    if (s[name] < 1) add("shared", name, `is ${s[name]}; must be at least 1`);
  }
  if (s.grace_period_end_offset_blocks >= s.num_blocks_per_session) {
    add("shared", "grace_period_end_offset_blocks", `is ${s.grace_period_end_offset_blocks}; must be less than num_blocks_per_session (${s.num_blocks_per_session})`);
  }
  if (s.claim_window_open_offset_blocks < s.grace_period_end_offset_blocks) {
    add(
      "shared",
      "claim_window_open_offset_blocks",
      `is ${s.claim_window_open_offset_blocks}; must be at least grace_period_end_offset_blocks (${s.grace_period_end_offset_blocks})`,
    );
  }
  // Claims and proofs of a session must settle before an unbonding actor's stake is released.
  const windows = s.claim_window_open_offset_blocks + s.claim_window_close_offset_blocks + s.proof_window_open_offset_blocks + s.proof_window_close_offset_blocks;
  if (windows === 0) add("shared", "claim_window_close_offset_blocks", "the four claim/proof window offsets sum to 0; the sum must be positive");
  for (const name of ["supplier_unbonding_period_sessions", "application_unbonding_period_sessions"] as const) {
    const blocks = s[name] * s.num_blocks_per_session;
    if (s[name] >= 1 && blocks < windows) {
      add(
        "shared",
        name,
        `${s[name]} sessions x ${s.num_blocks_per_session} blocks = ${blocks} blocks is shorter than the claim and proof windows ` +
          `(claim open ${s.claim_window_open_offset_blocks} + close ${s.claim_window_close_offset_blocks} + proof open ` +
          `${s.proof_window_open_offset_blocks} + close ${s.proof_window_close_offset_blocks} = ${windows} blocks); ` +
          `raise it to at least ${Math.ceil(windows / s.num_blocks_per_session)} or shorten the windows`,
      );
    }
  }

  if (p.session.num_suppliers_per_session < 1) add("session", "num_suppliers_per_session", "must be at least 1");

  const pr = p.proof;
  if (!(pr.proof_request_probability >= 0 && pr.proof_request_probability <= 1)) {
    add("proof", "proof_request_probability", `is ${pr.proof_request_probability}; must be between 0 and 1`);
  }
  coinRule("proof", "proof_requirement_threshold", pr.proof_requirement_threshold, 0n);
  coinRule("proof", "proof_missing_penalty", pr.proof_missing_penalty, 1n);
  coinRule("proof", "proof_submission_fee", pr.proof_submission_fee, 0n);

  const t = p.tokenomics;
  if (t.global_inflation_per_claim < 0) add("tokenomics", "global_inflation_per_claim", "must not be negative");
  if (!(t.mint_ratio > 0 && t.mint_ratio <= 1)) add("tokenomics", "mint_ratio", `is ${t.mint_ratio}; must be in (0, 1]`);
  for (const name of ["mint_allocation_percentages", "mint_equals_burn_claim_distribution"] as const) {
    const a = t[name];
    const parts = Object.entries(a) as [string, number][];
    const negative = parts.filter(([, v]) => v < 0).map(([k]) => k);
    if (negative.length > 0) add("tokenomics", name, `${negative.join(", ")} must not be negative`);
    const sum = parts.reduce((acc, [, v]) => acc + v, 0);
    if (Math.abs(sum - 1) > 1e-10) add("tokenomics", name, `the five shares sum to ${sum}; they must sum to 1`);
  }

  if (p.application.max_delegated_gateways < 1) add("application", "max_delegated_gateways", "must be at least 1");
  coinRule("application", "min_stake", p.application.min_stake, 1n);
  coinRule("gateway", "min_stake", p.gateway.min_stake, 1n);
  coinRule("supplier", "min_stake", p.supplier.min_stake, 1n);
  coinRule("supplier", "staking_fee", p.supplier.staking_fee, 0n);
  coinRule("service", "add_service_fee", p.service.add_service_fee, 1n);
  if (p.service.target_num_relays < 1) add("service", "target_num_relays", "must be at least 1");
  return problems;
}
