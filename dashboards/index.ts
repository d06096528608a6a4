/**
 * The dashboards' public interface for the Observability component and the build script: the list
 * of dashboards, their JSON as Grafana loads it, links to them, and Grafana's provisioning files.
 */
import { backendDashboard } from "./backend";
import { buildDashboard, type DashboardSpec } from "./lib/dashboard";
import { minerDashboard } from "./miner";
import { overviewDashboard } from "./overview";
import { pathDashboard } from "./path";
import { redisDashboard } from "./redis";
import { relayerDashboard } from "./relayer";
import { dashboardUids, type DashboardKey } from "./uids";

export { grafanaProvisioning, grafanaDashboardsPath } from "./grafana";
export { scrapeJobs } from "./scrape-jobs";
export { prometheusDatasourceUid } from "./lib/datasource";

const builders: Record<DashboardKey, () => DashboardSpec> = {
  overview: overviewDashboard,
  relayer: relayerDashboard,
  miner: minerDashboard,
  redis: redisDashboard,
  backend: backendDashboard,
  path: pathDashboard,
};

export interface DashboardEntry {
  key: DashboardKey;
  uid: string;
  title: string;
  /** File name under dashboards/generated/ and in Grafana's dashboards directory. */
  file: string;
}

export const dashboardList: DashboardEntry[] = (Object.keys(builders) as DashboardKey[]).map((key) => ({
  key,
  uid: dashboardUids[key],
  title: builders[key]().title,
  file: `${dashboardUids[key]}.json`,
}));

/** Dashboard definitions (sections of typed panels), by key: what tests read a panel's facts from. */
export function dashboardSpecs(): Record<DashboardKey, DashboardSpec> {
  return Object.fromEntries(Object.entries(builders).map(([k, build]) => [k, build()])) as Record<DashboardKey, DashboardSpec>;
}

export interface DashboardOptions {
  /** Loki is deployed: keep the log panels. @default true (what dashboards/generated holds) */
  logs?: boolean;
}

/** A spec without its log panels (and without sections they leave empty). */
function withoutLogs(spec: DashboardSpec): DashboardSpec {
  const sections = spec.sections.map((s) => ({ ...s, panels: s.panels.filter((p) => p.type !== "logs") })).filter((s) => s.panels.length > 0);
  return { ...spec, sections };
}

/** Dashboard JSON models, by key. */
export function dashboardModels(opts: DashboardOptions = {}): Record<DashboardKey, Record<string, unknown>> {
  const keep = opts.logs ?? true;
  return Object.fromEntries(Object.entries(dashboardSpecs()).map(([k, spec]) => [k, buildDashboard(keep ? spec : withoutLogs(spec))])) as Record<
    DashboardKey,
    Record<string, unknown>
  >;
}

/**
 * File name → JSON text (2-space indent, trailing newline): exactly what generated/ holds (with the
 * log panels); without Loki, the same dashboards without them.
 */
export function dashboardFiles(opts: DashboardOptions = {}): Record<string, string> {
  const models = dashboardModels(opts);
  return Object.fromEntries(dashboardList.map((d) => [d.file, `${JSON.stringify(models[d.key], null, 2)}\n`]));
}

/** `http://127.0.0.1:3000/d/<uid>`: trailing slashes on the base are tolerated. */
export function dashboardUrl(grafanaBaseUrl: string, uid: string): string {
  return `${grafanaBaseUrl.replace(/\/+$/, "")}/d/${encodeURIComponent(uid)}`;
}
