/**
 * Names and target labels of the Prometheus scrape jobs. Dashboards select on these (`up{job=...}`,
 * `by (pod)`), the scrape config sets them, and the catalogue test checks panels only use labels a
 * job really attaches. Kept apart from prometheus.ts so the catalogue does not import the config.
 */
export const scrapeJobs = {
  relayers: "relayers",
  miners: "miners",
  backend: "backend",
  redis: "redis",
  validator: "validator",
  chain: "chain",
  prometheus: "prometheus",
} as const;

export type ScrapeJob = (typeof scrapeJobs)[keyof typeof scrapeJobs];

/**
 * Labels each job's targets carry. `instance` is rewritten to something readable (the pod name, or
 * the service name for single-instance targets; backend: "backend", or podIP:port per pod when
 * there are several). `replica` is the
 * StatefulSet ordinal ("0", "1", …); backend pods come from a Deployment and have no ordinal.
 */
export const jobTargetLabels: Readonly<Record<ScrapeJob, readonly string[]>> = {
  relayers: ["job", "instance", "pod", "replica"],
  miners: ["job", "instance", "pod", "replica"],
  backend: ["job", "instance"],
  redis: ["job", "instance", "pod", "replica"],
  validator: ["job", "instance"],
  chain: ["job", "instance"],
  prometheus: ["job", "instance"],
};
