/**
 * The chain exporter's metrics (services/chain-exporter, served on :9097): what the chain did with
 * relays, read from block results, and stakes read over REST. test/chain-exporter-catalogue.test.ts
 * checks this list against the exporter's own registry.
 */
import { counter, gauge, type MetricCatalogue } from "./types";

const path = ["service_id", "supplier"];

export const chainExporterMetrics: MetricCatalogue = {
  localnet_chain_up: gauge(),
  localnet_chain_height: gauge(),
  localnet_chain_blocks_read_total: counter(),
  localnet_chain_read_errors_total: counter("what"),
  localnet_chain_claims_total: counter(...path),
  localnet_chain_claimed_relays_total: counter(...path),
  localnet_chain_claimed_compute_units_total: counter(...path),
  localnet_chain_claimed_upokt_total: counter(...path),
  localnet_chain_proofs_total: counter(...path),
  localnet_chain_proved_relays_total: counter(...path),
  localnet_chain_proof_checks_total: counter(...path, "status"),
  localnet_chain_settlements_total: counter(...path, "proof_requirement"),
  localnet_chain_settled_relays_total: counter(...path),
  localnet_chain_settled_compute_units_total: counter(...path),
  localnet_chain_settled_upokt_total: counter(...path),
  localnet_chain_rewards_upokt_total: counter("service_id", "recipient"),
  localnet_chain_expirations_total: counter(...path, "reason"),
  localnet_chain_expired_relays_total: counter(...path, "reason"),
  localnet_chain_slashes_total: counter(...path),
  localnet_chain_slashed_upokt_total: counter(...path),
  localnet_chain_application_stake_upokt: gauge("application"),
  localnet_chain_supplier_stake_upokt: gauge("supplier"),
  localnet_chain_supplier_balance_upokt: gauge("supplier"),
  localnet_chain_application_stake_start_upokt: gauge("application"),
  localnet_chain_supplier_stake_start_upokt: gauge("supplier"),
  localnet_chain_supplier_balance_start_upokt: gauge("supplier"),
};
