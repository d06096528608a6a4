/**
 * The exporter's metrics and how chain events move them. Counters follow the relay path on chain
 * (claimed → proved → checked → settled, or expired and slashed) per service and supplier, with
 * the amounts the events carry; gauges hold the stakes and balances last read over REST.
 *
 * `supplier` and `application` are operator/application addresses, the values the relay-miner's
 * own `supplier` label carries, so a dashboard can put chain and miner series side by side.
 * Reward recipients are shown by account name when the accounts file knows them.
 */
import type { RelayEvent } from "../chain-events";
import { Registry } from "./exposition";

const prefix = "localnet_chain";
const svcSup = ["service_id", "supplier"] as const;

/** Address → readable name (from the genesis keys.json), for reward recipients. */
export type AccountNames = ReadonlyMap<string, string>;

/** Reads the genesis `keys.json` shape: `{ accounts: [{ name, address }] }`. */
export function accountNamesFrom(json: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const accounts = (json as { accounts?: unknown })?.accounts;
  if (!Array.isArray(accounts)) throw new Error('the accounts file has no "accounts" list (expected the genesis keys.json)');
  for (const a of accounts as { name?: unknown; address?: unknown }[]) {
    if (typeof a?.name === "string" && typeof a.address === "string") out.set(a.address, a.name);
  }
  return out;
}

/** uPOKT amounts fit a double exactly up to 2^53 (9e15 uPOKT = 9 billion POKT). */
const amount = (v: bigint) => Number(v);

export interface StakeSnapshot {
  applications: { address: string; stakeUpokt: bigint }[];
  suppliers: { address: string; stakeUpokt: bigint; balanceUpokt?: bigint; services?: string[] }[];
}

export class ChainMetrics {
  readonly registry = new Registry();
  private readonly r = this.registry;
  readonly up = this.r.gauge(`${prefix}_up`, "1 when the last read of the node (RPC and REST) succeeded, else 0.");
  readonly height = this.r.gauge(`${prefix}_height`, "Last block whose results have been read.");
  readonly blocksRead = this.r.counter(`${prefix}_blocks_read_total`, "Blocks whose results the exporter has read.");
  readonly readErrors = this.r.counter(`${prefix}_read_errors_total`, "Failed reads of the node, by what was read.", ["what"]);

  readonly claims = this.r.counter(`${prefix}_claims_total`, "Claims created on chain (EventClaimCreated).", svcSup);
  readonly claimedRelays = this.r.counter(`${prefix}_claimed_relays_total`, "Relays in the claims created on chain.", svcSup);
  readonly claimedComputeUnits = this.r.counter(`${prefix}_claimed_compute_units_total`, "Compute units in the claims created on chain.", svcSup);
  readonly claimedUpokt = this.r.counter(`${prefix}_claimed_upokt_total`, "uPOKT claimed on chain.", svcSup);

  readonly proofs = this.r.counter(`${prefix}_proofs_total`, "Proofs submitted on chain (EventProofSubmitted).", svcSup);
  readonly provedRelays = this.r.counter(`${prefix}_proved_relays_total`, "Relays of the claims whose proof was submitted.", svcSup);
  readonly proofChecks = this.r.counter(`${prefix}_proof_checks_total`, "Proofs checked by the chain, by result (EventProofValidityChecked).", [...svcSup, "status"]);

  readonly settlements = this.r.counter(`${prefix}_settlements_total`, "Claims settled (EventClaimSettled), by why a proof was or was not required.", [
    ...svcSup,
    "proof_requirement",
  ]);
  readonly settledRelays = this.r.counter(`${prefix}_settled_relays_total`, "Relays of the settled claims.", svcSup);
  readonly settledComputeUnits = this.r.counter(`${prefix}_settled_compute_units_total`, "Compute units of the settled claims.", svcSup);
  readonly settledUpokt = this.r.counter(`${prefix}_settled_upokt_total`, "uPOKT the settled claims minted or burned for the relays (settled_upokt).", svcSup);
  readonly rewards = this.r.counter(`${prefix}_rewards_upokt_total`, "uPOKT paid out by settlements, by recipient (reward distribution).", ["service_id", "recipient"]);

  readonly expirations = this.r.counter(`${prefix}_expirations_total`, "Claims that expired without settling (EventClaimExpired), by reason.", [...svcSup, "reason"]);
  readonly expiredRelays = this.r.counter(`${prefix}_expired_relays_total`, "Relays of the expired claims, by reason.", [...svcSup, "reason"]);
  readonly slashes = this.r.counter(`${prefix}_slashes_total`, "Supplier slashes (EventSupplierSlashed).", svcSup);
  readonly slashedUpokt = this.r.counter(`${prefix}_slashed_upokt_total`, "uPOKT taken from supplier stakes by slashes.", svcSup);

  readonly applicationStake = this.r.gauge(`${prefix}_application_stake_upokt`, "Stake of each application, as last read.", ["application"]);
  readonly supplierStake = this.r.gauge(`${prefix}_supplier_stake_upokt`, "Stake of each supplier, as last read.", ["supplier"]);
  readonly supplierBalance = this.r.gauge(`${prefix}_supplier_balance_upokt`, "Liquid uPOKT of each supplier's operator account, as last read.", ["supplier"]);
  readonly applicationStakeStart = this.r.gauge(`${prefix}_application_stake_start_upokt`, "Stake of each application at the first block read (--from-height).", ["application"]);
  readonly supplierStakeStart = this.r.gauge(`${prefix}_supplier_stake_start_upokt`, "Stake of each supplier at the first block read.", ["supplier"]);
  readonly supplierBalanceStart = this.r.gauge(`${prefix}_supplier_balance_start_upokt`, "Liquid uPOKT of each supplier's operator account at the first block read.", ["supplier"]);

  constructor(private readonly names: AccountNames = new Map()) {}

  /** Moves the counters one event moves. */
  record(e: RelayEvent): void {
    const k = { service_id: e.service, supplier: e.supplier };
    switch (e.kind) {
      case "claim":
        this.claims.inc(k);
        this.claimedRelays.inc(k, e.relays);
        this.claimedComputeUnits.inc(k, e.computeUnits);
        this.claimedUpokt.inc(k, amount(e.claimedUpokt));
        return;
      case "proof":
        this.proofs.inc(k);
        this.provedRelays.inc(k, e.relays);
        return;
      case "proof_checked":
        this.proofChecks.inc({ ...k, status: e.status });
        return;
      case "settled":
        this.settlements.inc({ ...k, proof_requirement: e.proofRequirement });
        this.settledRelays.inc(k, e.relays);
        this.settledComputeUnits.inc(k, e.computeUnits);
        this.settledUpokt.inc(k, amount(e.settledUpokt));
        for (const [address, v] of Object.entries(e.rewards)) this.rewards.inc({ service_id: e.service, recipient: this.names.get(address) ?? address }, amount(v));
        return;
      case "expired":
        this.expirations.inc({ ...k, reason: e.reason });
        this.expiredRelays.inc({ ...k, reason: e.reason }, e.relays);
        return;
      case "slashed":
        this.slashes.inc(k);
        this.slashedUpokt.inc(k, amount(e.penaltyUpokt));
        return;
    }
  }

  /**
   * The path's counters of a (service, supplier) pair, created at 0. A counter that first appears
   * with its value already at 200 reads as no increase in Prometheus; created at 0 when the
   * supplier is staked, the first claim's 200 relays count.
   */
  private ensurePath(k: { service_id: string; supplier: string }): void {
    for (const f of [
      this.claims,
      this.claimedRelays,
      this.claimedComputeUnits,
      this.claimedUpokt,
      this.proofs,
      this.provedRelays,
      this.settledRelays,
      this.settledComputeUnits,
      this.settledUpokt,
    ]) {
      f.inc(k, 0);
    }
  }

  /** The baseline that "change since the first block" is measured from (set once). */
  recordStartStakes(s: StakeSnapshot): void {
    for (const a of s.applications) this.applicationStakeStart.set({ application: a.address }, amount(a.stakeUpokt));
    for (const x of s.suppliers) {
      this.supplierStakeStart.set({ supplier: x.address }, amount(x.stakeUpokt));
      if (x.balanceUpokt !== undefined) this.supplierBalanceStart.set({ supplier: x.address }, amount(x.balanceUpokt));
    }
  }

  /** Replaces the stake and balance gauges with a fresh read (an unstaked actor disappears). */
  recordStakes(s: StakeSnapshot): void {
    this.applicationStake.clear();
    for (const a of s.applications) this.applicationStake.set({ application: a.address }, amount(a.stakeUpokt));
    this.supplierStake.clear();
    this.supplierBalance.clear();
    for (const x of s.suppliers) {
      this.supplierStake.set({ supplier: x.address }, amount(x.stakeUpokt));
      if (x.balanceUpokt !== undefined) this.supplierBalance.set({ supplier: x.address }, amount(x.balanceUpokt));
      for (const service of x.services ?? []) this.ensurePath({ service_id: service, supplier: x.address });
    }
  }
}
