/**
 * What the observability pods test asks Loki and Prometheus, and how it reads the dashboards: the
 * log panels with their pod and container selectors and variables, and which Prometheus panels
 * the parts running on the node can fill (the rest exempt, each with its reason).
 */
import type { DashboardSpec, Variable } from "../../../dashboards/lib/dashboard";
import { problems } from "../../../dashboards/logql";
import { canHaveData, type Selector } from "../../../dashboards/lib/promql-analysis";
import { resolveSeries } from "../../../dashboards/metrics-catalogue";
import { scrapeJobs } from "../../../dashboards/scrape-jobs";
import type { PanelQueries } from "../../support/panel-data";

export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** Loki's query_range from `startS` to now (+1 min): the streams, or a thrown error with Loki's answer. */
export async function lokiQuery(lokiUrl: string, expr: string, o: { startS: number; limit?: number; forward?: boolean }): Promise<LokiStream[]> {
  const u = new URL(`${lokiUrl}/loki/api/v1/query_range`);
  u.searchParams.set("query", expr);
  u.searchParams.set("start", `${o.startS}000000000`);
  u.searchParams.set("end", `${Math.ceil(Date.now() / 1000) + 60}000000000`);
  u.searchParams.set("limit", String(o.limit ?? 1000));
  if (o.forward) u.searchParams.set("direction", "forward");
  const r = await fetch(u, { signal: AbortSignal.timeout(30_000) });
  const body = (await r.json()) as { status: string; data?: { result?: LokiStream[] }; error?: string };
  if (r.status !== 200 || body.status !== "success") throw new Error(`Loki ${expr}: HTTP ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body.data?.result ?? [];
}

/** Lines Loki holds per pod of the namespace over the last hour (a metric query). */
export async function lokiLinesByPod(lokiUrl: string, namespace: string): Promise<Record<string, number>> {
  const u = new URL(`${lokiUrl}/loki/api/v1/query`);
  u.searchParams.set("query", `sum by (k8s_pod_name) (count_over_time({k8s_namespace_name="${namespace}"}[1h]))`);
  const body = (await (await fetch(u, { signal: AbortSignal.timeout(30_000) })).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return Object.fromEntries(body.data.result.map((s) => [s.metric.k8s_pod_name, Number(s.value[1])]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

export const podsOfStreams = (streams: LokiStream[]) => [...new Set(streams.map((s) => s.stream.k8s_pod_name))].sort();

export interface LogPanel {
  where: string;
  expr: string;
  /** The container the panel selects (undefined: every container). */
  container?: string;
  /** The pod name regex, variables left as `${name:pipe}`. */
  podRegex: string;
  /** The dashboard's variables the query uses. */
  variables: Variable[];
  /** Only warning and error lines (the problems filter). */
  problemsOnly: boolean;
}

/** The LogQL problems filter's regex, as JavaScript reads it. */
export const problemLine = new RegExp(/`\(\?i\)(.*)`/.exec(problems)![1], "i");

export function logPanels(specs: Record<string, DashboardSpec>): LogPanel[] {
  const out: LogPanel[] = [];
  for (const spec of Object.values(specs)) {
    for (const p of spec.sections.flatMap((s) => s.panels)) {
      if (p.type !== "logs") continue;
      const expr = p.targets[0].expr;
      const podRegex = /k8s_pod_name=~"([^"]*)"/.exec(expr)?.[1];
      if (podRegex === undefined) throw new Error(`${spec.uid} / ${p.title}: no pod selector in ${expr}`);
      out.push({
        where: `${spec.uid} / ${p.title}`,
        expr,
        container: /k8s_container_name="([^"]*)"/.exec(expr)?.[1],
        podRegex,
        variables: spec.variables.filter((v) => expr.includes(`\${${v.name}:pipe}`)),
        problemsOnly: expr.includes(problems),
      });
    }
  }
  return out;
}

/** `${name:pipe}` set to `value` (the others to "All"), as a whole-name regex over pod names. */
export function podMatcher(p: LogPanel, set: Record<string, string> = {}): { expr: string; matches: (pod: string) => boolean } {
  const fill = (s: string) => s.replace(/\$\{([a-z_]+):pipe\}/g, (_m, name: string) => set[name] ?? ".*");
  const re = new RegExp(`^(?:${fill(p.podRegex)})$`);
  return { expr: fill(p.expr), matches: (pod) => re.test(pod) };
}

/**
 * Series of the parts that run here that appear only once relays flow through the relay-miner
 * (which this test does not run). The chain exporter creates each staked (service, supplier)
 * pair's claim, proof and settled counters at 0; these others start with their first event. The
 * exporter's stream families describe the relay streams the relayers create.
 */
const needsRelays: Record<string, string> = {
  localnet_chain_proof_checks_total: "proofs",
  localnet_chain_settlements_total: "settlements",
  localnet_chain_rewards_upokt_total: "settlements",
  redis_stream_length: "streams",
  redis_stream_groups: "streams",
  redis_stream_group_consumers: "streams",
  redis_stream_group_messages_pending: "streams",
};
const relaysReason: Record<string, string> = {
  proofs: "its series start with the first proof on chain, which needs relays through the relay-miner",
  settlements: "its series start with the first settlement on chain, which needs relays through the relay-miner",
  streams: "the relay streams in Redis are created by relayers publishing relays",
};

/**
 * Why a panel (or variable) is not expected to have data on the node, or undefined when it must:
 * its own "may be empty" reason, or every one of its queries needs a series of a part or of relays
 * that are not there.
 */
export function panelExemption(p: PanelQueries, o: { relayMiner: boolean }): string | undefined {
  if (p.mayBeEmpty) return `may be empty: ${p.mayBeEmpty}`;
  const relayMinerReason = o.relayMiner
    ? "relay-miner series: this test sends no relays (dashboards-live.real.test.ts checks them with relays to settlement)"
    : "relay-miner series: no relayers or miners here (no relay-miner binary: RELAYMINER_TOOLS_BIN)";
  const reasons = new Set<string>();
  const here = (s: Selector): boolean => {
    const r = resolveSeries(s.metric);
    const job = s.matchers.find((m) => m.label === "job" && m.op === "=")?.value;
    if (r?.source.name === "pocket-relay-miner" || job === scrapeJobs.relayers || job === scrapeJobs.miners) reasons.add(relayMinerReason);
    else if (r && needsRelays[r.base]) reasons.add(relaysReason[needsRelays[r.base]]);
    else return true;
    return false;
  };
  if (p.exprs.some((e) => canHaveData(e, here))) return undefined;
  return [...reasons].join("; ") || "no query can have data";
}
