/**
 * The dashboards' public interface for the Observability component and the build script: the list
 * of dashboards, their JSON as Grafana loads it, links to them, and Grafana's provisioning files.
 */
import { backendDashboard } from "./backend";
import { minerDashboard } from "./miner";
import { overviewDashboard } from "./overview";
import { redisDashboard } from "./redis";
import { relayerDashboard } from "./relayer";
import { dashboardUids, type DashboardKey } from "./uids";

export { grafanaProvisioning, grafanaDashboardsPath } from "./grafana";
export { scrapeJobs } from "./scrape-jobs";
export { prometheusDatasourceUid } from "./lib/datasource";

const builders: Record<DashboardKey, () => Record<string, unknown>> = {
  overview: overviewDashboard,
  relayer: relayerDashboard,
  miner: minerDashboard,
  redis: redisDashboard,
  backend: backendDashboard,
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
  title: String(builders[key]().title),
  file: `${dashboardUids[key]}.json`,
}));

/** Dashboard JSON models, by key. */
export function dashboardModels(): Record<DashboardKey, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(builders).map(([k, build]) => [k, build()])) as Record<DashboardKey, Record<string, unknown>>;
}

/** File name → JSON text (2-space indent, trailing newline): exactly what generated/ holds. */
export function dashboardFiles(): Record<string, string> {
  const models = dashboardModels();
  return Object.fromEntries(dashboardList.map((d) => [d.file, `${JSON.stringify(models[d.key], null, 2)}\n`]));
}

/** `http://127.0.0.1:3000/d/<uid>`: trailing slashes on the base are tolerated. */
export function dashboardUrl(grafanaBaseUrl: string, uid: string): string {
  return `${grafanaBaseUrl.replace(/\/+$/, "")}/d/${encodeURIComponent(uid)}`;
}
