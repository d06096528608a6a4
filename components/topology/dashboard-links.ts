/** Stack output `dashboards`: a direct Grafana link per provisioned dashboard. */
import type { LocalnetConfig } from "../config/schema";
import { dashboardList, dashboardUrl } from "../../dashboards";

export function dashboardLinks(config: LocalnetConfig, grafanaUrl: string | undefined): Record<string, string> {
  if (!config.observability.enabled || !grafanaUrl) return {};
  return Object.fromEntries(dashboardList.map((d) => [d.title, dashboardUrl(grafanaUrl, d.uid)]));
}
