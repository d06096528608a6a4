/** Stack output `dashboards`: a direct Grafana link per provisioned dashboard. */
import { dashboardList, dashboardUrl } from "../../dashboards";

/** No Grafana URL (observability off): no links. */
export function dashboardLinks(grafanaUrl: string | undefined): Record<string, string> {
  if (!grafanaUrl) return {};
  return Object.fromEntries(dashboardList.map((d) => [d.title, dashboardUrl(grafanaUrl, d.uid)]));
}
