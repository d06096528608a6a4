/**
 * The relay path on one board: served by the relayers → published to the supplier's Redis stream →
 * consumed by a miner → added to a session tree → claimed → proved → settled on chain, per service
 * and supplier, with the rewards the settlements paid and how stakes and balances moved. The first
 * four stages are the relay-miner's own counters (since each process started); the chain stages
 * come from the chain exporter, which reads block results (since genesis).
 */
import type { DashboardSpec } from "./lib/dashboard";
import { stat, table, timeseries } from "./lib/panels";
import { eq, increase, isVar, max, sel, sum, type Matcher } from "./lib/promql";
import { scrapeJobs } from "./scrape-jobs";
import { crossLinks, dashboardUids } from "./uids";

interface Stage {
  key: string;
  title: string;
  metric: string;
  /** The metric has a supplier label (the relayers' served counter does not). */
  bySupplier: boolean;
  description: string;
}

/** The path's stages, in order. Their labels (service_id, supplier) are the same in every source. */
export const pathStages: readonly Stage[] = [
  {
    key: "served",
    title: "Served",
    metric: "ha_relayer_relays_served_total",
    bySupplier: false,
    description: "Relays the relayers answered (any status), for every supplier of the service: the relayer's served counter has no supplier label.",
  },
  { key: "published", title: "Published", metric: "ha_relayer_relays_published_total", bySupplier: true, description: "Relays mined and written to the supplier's Redis stream." },
  { key: "consumed", title: "Consumed", metric: "ha_miner_relays_consumed_from_stream_total", bySupplier: true, description: "Relays a miner read from the stream." },
  { key: "inTrees", title: "In session trees", metric: "ha_miner_relays_added_to_smst_total", bySupplier: true, description: "Relays added to a session's tree (SMST)." },
  {
    key: "claimed",
    title: "Claimed",
    metric: "localnet_chain_claimed_relays_total",
    bySupplier: true,
    description: "Relays in the claims the chain accepted (EventClaimCreated).",
  },
  { key: "proved", title: "Proved", metric: "localnet_chain_proved_relays_total", bySupplier: true, description: "Relays of the claims whose proof landed (EventProofSubmitted)." },
  {
    key: "settled",
    title: "Settled",
    metric: "localnet_chain_settled_relays_total",
    bySupplier: true,
    description: "Relays of the claims the chain settled and paid (EventClaimSettled).",
  },
];

const varMatchers = (bySupplier: boolean): Matcher[] => [isVar("service_id"), ...(bySupplier ? [isVar("supplier")] : [])];
const total = (s: Stage, matchers: Matcher[]) => sum(sel(s.metric, ...matchers));

/**
 * The board's figures for one service and supplier, as instant queries: each stage's total, the
 * settled uPOKT, the rewards by recipient, and how application stakes and the supplier's balance
 * and stake moved since the first block. The live test prints these for its session.
 */
export function pathFigureQueries(o: { service: string; supplier: string }): Record<string, string> {
  const m = (bySupplier: boolean) => [eq("service_id", o.service), ...(bySupplier ? [eq("supplier", o.supplier)] : [])];
  const out: Record<string, string> = {};
  for (const s of pathStages) out[s.key] = total(s, m(s.bySupplier));
  out.settledUpokt = sum(sel("localnet_chain_settled_upokt_total", ...m(true)));
  out.rewardsUpokt = sum(sel("localnet_chain_rewards_upokt_total", eq("service_id", o.service)), ["recipient"]);
  out.applicationStakeChangeUpokt = changeSinceStart("localnet_chain_application_stake_upokt", "application", []);
  out.supplierBalanceChangeUpokt = changeSinceStart("localnet_chain_supplier_balance_upokt", "supplier", [eq("supplier", o.supplier)]);
  out.supplierStakeChangeUpokt = changeSinceStart("localnet_chain_supplier_stake_upokt", "supplier", [eq("supplier", o.supplier)]);
  return out;
}

/** `x − x at the first block`, per `by` (the exporter reads the first block's state once). */
function changeSinceStart(metric: string, by: string, matchers: Matcher[]): string {
  const start = metric.replace(/_upokt$/, "_start_upokt");
  return `${sum(sel(metric, ...matchers), [by])} - ${sum(sel(start, ...matchers), [by])}`;
}

const pokt = (expr: string) => `(${expr}) / 1e6`;
const perMinute = (s: Stage) => sum(increase(sel(s.metric, ...varMatchers(s.bySupplier)), "1m"));
const onlyOnLoss = "only when a claim expires: its proof was missing or invalid (a miner that crashed in the proof window, a lost session tree)";

export function pathDashboard(): DashboardSpec {
  const svcSup = varMatchers(true);
  return {
    uid: dashboardUids.path,
    title: "Localnet / Relay path",
    description: "Relays from the relayer to settlement: served, published, consumed, in session trees, claimed, proved, settled; rewards and stakes.",
    tags: ["relay-path", "chain"],
    links: crossLinks,
    variables: [
      { name: "service_id", label: "Service", selector: "localnet_chain_claimed_relays_total" },
      { name: "supplier", label: "Supplier", selector: "localnet_chain_claimed_relays_total" },
    ],
    sections: [
      {
        title: "The path (relay-miner: since each process started; chain: since genesis)",
        panels: [
          ...pathStages.map((s) => stat({ title: s.title, description: s.description, queries: [{ expr: total(s, varMatchers(s.bySupplier)), legend: s.title }], w: 3 })),
          stat({
            title: "Expired",
            description: "Relays of claims the chain expired instead of settling, by reason.",
            mayBeEmpty: onlyOnLoss,
            queries: [{ expr: sum(sel("localnet_chain_expired_relays_total", ...svcSup), ["reason"]), legend: "{{reason}}" }],
            thresholds: [
              { value: null, color: "green" },
              { value: 1, color: "red" },
            ],
            w: 3,
          }),
        ],
      },
      {
        title: "Per service and supplier",
        panels: [
          table({
            title: "Each stage by service and supplier",
            description: "Served is per service only (the relayer does not label it by supplier), so it is not in this table.",
            labels: ["service_id", "supplier"],
            columns: pathStages.filter((s) => s.bySupplier).map((s) => ({ title: s.title, expr: sum(sel(s.metric, ...svcSup), ["service_id", "supplier"]) })),
            h: 9,
          }),
        ],
      },
      {
        title: "Over time",
        panels: [
          timeseries({
            title: "Relays through each stage, per minute",
            description: "Relay-miner stages move as relays are served; claimed, proved and settled jump at the blocks that carry them, one session later.",
            queries: pathStages.map((s) => ({ expr: perMinute(s), legend: s.title })),
          }),
          timeseries({
            title: "Claims and proofs: sent by the miners, landed on chain",
            description: "The miners' submissions against the chain's events; a gap is a transaction that failed or has not landed yet.",
            queries: [
              { expr: sum(increase(sel("ha_miner_claims_submitted_total", ...svcSup), "1m")), legend: "claims submitted (miners)" },
              { expr: sum(increase(sel("localnet_chain_claims_total", ...svcSup), "1m")), legend: "claims on chain" },
              { expr: sum(increase(sel("ha_miner_proofs_submitted_total", ...svcSup), "1m")), legend: "proofs submitted (miners)" },
              { expr: sum(increase(sel("localnet_chain_proofs_total", ...svcSup), "1m")), legend: "proofs on chain" },
            ],
          }),
        ],
      },
      {
        title: "Rewards and stakes",
        panels: [
          stat({
            title: "Settled (POKT)",
            description: "What the settled claims were worth.",
            unit: "none",
            queries: [{ expr: pokt(sum(sel("localnet_chain_settled_upokt_total", ...svcSup))), legend: "POKT" }],
            w: 6,
          }),
          stat({
            title: "Rewards by recipient (POKT)",
            description: "Who the settlements paid: the supplier's share, the DAO, the proposer, the service owner (by genesis account name).",
            unit: "none",
            queries: [{ expr: pokt(sum(sel("localnet_chain_rewards_upokt_total", isVar("service_id")), ["recipient"])), legend: "{{recipient}}" }],
            w: 18,
          }),
          timeseries({
            title: "Application stakes (POKT)",
            description: "Settlement burns what the relays were worth from the application's stake.",
            unit: "none",
            queries: [{ expr: pokt(max(sel("localnet_chain_application_stake_upokt"), ["application"])), legend: "{{application}}" }],
          }),
          timeseries({
            title: "Supplier balances (POKT)",
            description: "The supplier's reward arrives at settlement; claim and proof transactions cost fees.",
            unit: "none",
            queries: [{ expr: pokt(max(sel("localnet_chain_supplier_balance_upokt", isVar("supplier")), ["supplier"])), legend: "{{supplier}}" }],
          }),
          stat({
            title: "Changes since the first block (POKT)",
            description:
              "Stakes and balances now against the chain's first block (the exporter reads that state once): what settlements burned, paid and slashed, and what transactions cost.",
            unit: "none",
            queries: [
              { expr: pokt(changeSinceStart("localnet_chain_application_stake_upokt", "application", [])), legend: "stake {{application}}" },
              { expr: pokt(changeSinceStart("localnet_chain_supplier_balance_upokt", "supplier", [isVar("supplier")])), legend: "balance {{supplier}}" },
              { expr: pokt(changeSinceStart("localnet_chain_supplier_stake_upokt", "supplier", [isVar("supplier")])), legend: "stake {{supplier}}" },
            ],
            w: 24,
            h: 6,
          }),
          timeseries({
            title: "Supplier stakes (POKT)",
            description: "A slash (a claim that needed a proof and got none) lowers it.",
            unit: "none",
            queries: [{ expr: pokt(max(sel("localnet_chain_supplier_stake_upokt", isVar("supplier")), ["supplier"])), legend: "{{supplier}}" }],
          }),
        ],
      },
      {
        title: "Proofs and losses",
        panels: [
          timeseries({
            title: "Proof checks by result",
            queries: [{ expr: sum(increase(sel("localnet_chain_proof_checks_total", ...svcSup), "1m"), ["status"]), legend: "{{status}}" }],
          }),
          timeseries({
            title: "Settlements by proof requirement",
            description: "threshold: the claim was worth more than the proof threshold; probabilistic: picked at random; not_required: settled without a proof.",
            queries: [{ expr: sum(increase(sel("localnet_chain_settlements_total", ...svcSup), "1m"), ["proof_requirement"]), legend: "{{proof_requirement}}" }],
          }),
          timeseries({
            title: "Expired claims and slashes",
            mayBeEmpty: onlyOnLoss,
            queries: [
              { expr: sum(increase(sel("localnet_chain_expirations_total", ...svcSup), "1m"), ["reason"]), legend: "expired {{reason}}" },
              { expr: sum(increase(sel("localnet_chain_slashes_total", ...svcSup), "1m")), legend: "slashes" },
            ],
          }),
        ],
      },
      {
        title: "Chain exporter",
        panels: [
          stat({
            title: "Exporter reads the node",
            queries: [{ expr: max(sel("localnet_chain_up", eq("job", scrapeJobs.chain))), legend: "up" }],
            mappings: [
              { value: 1, text: "OK", color: "green" },
              { value: 0, text: "FAILING", color: "red" },
            ],
            w: 6,
          }),
          stat({
            title: "Blocks behind the validator",
            description: "The validator's height minus the last block the exporter read.",
            queries: [{ expr: `${max("cometbft_consensus_height")} - ${max("localnet_chain_height")}`, legend: "blocks" }],
            w: 6,
          }),
          timeseries({
            title: "Exporter read errors",
            mayBeEmpty: "only while the validator does not answer (starting, restarting)",
            queries: [{ expr: sum(increase(sel("localnet_chain_read_errors_total"), "1m"), ["what"]), legend: "{{what}}" }],
          }),
        ],
      },
    ],
  };
}
