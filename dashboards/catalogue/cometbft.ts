/**
 * CometBFT metrics the validator serves on :26660 when `[instrumentation] prometheus = true` and
 * `namespace = "cometbft"` (the reference config.toml sets both). Only the stable subset of the
 * v0.38 line that pocketd builds on; every series carries `chain_id`.
 */
import { counter, gauge, histogram, type MetricCatalogue } from "./types";

export const cometbftMetrics: MetricCatalogue = {
  cometbft_consensus_height: gauge("chain_id"),
  cometbft_consensus_latest_block_height: gauge("chain_id"),
  cometbft_consensus_rounds: gauge("chain_id"),
  cometbft_consensus_validators: gauge("chain_id"),
  cometbft_consensus_validators_power: gauge("chain_id"),
  cometbft_consensus_missing_validators: gauge("chain_id"),
  cometbft_consensus_byzantine_validators: gauge("chain_id"),
  cometbft_consensus_block_interval_seconds: histogram("chain_id"),
  cometbft_consensus_num_txs: gauge("chain_id"),
  cometbft_consensus_total_txs: gauge("chain_id"),
  cometbft_consensus_block_size_bytes: gauge("chain_id"),
  cometbft_p2p_peers: gauge("chain_id"),
  cometbft_mempool_size: gauge("chain_id"),
  cometbft_mempool_tx_size_bytes: histogram("chain_id"),
  cometbft_mempool_failed_txs: counter("chain_id"),
  cometbft_state_block_processing_time: histogram("chain_id"),
};
