/**
 * What the dashboards of a StatefulSet (relayers, miners) share: the `replica` variable, taken
 * from the `up` series of its scrape job, and a stat of its targets, one per pod.
 */
import { stat, upMappings, type PanelSpec } from "./lib/panels";
import { eq, isVar, max, sel } from "./lib/promql";

/** Label matchers for panels filtered by the `replica` variable. */
export const replicaFilter = [isVar("replica")];

export function replicaVariable(job: string) {
  return { name: "replica", label: "Replica", selector: sel("up", eq("job", job)) };
}

/** One up/down value per pod of the scrape job. */
export function replicaTargetsStat(title: string, job: string, w: number): PanelSpec {
  return stat({
    title,
    queries: [{ expr: max(sel("up", eq("job", job), ...replicaFilter), ["pod"]), legend: "{{pod}}" }],
    mappings: upMappings,
    w,
  });
}
