/**
 * Grafana provisioning: the Prometheus datasource (fixed uid, the one every metric panel names),
 * Loki's when logs are collected (the log panels name it), and a file
 * provider that loads our dashboards read-only: UI edits cannot be saved and deleting a dashboard
 * in the UI is refused, so the checked-in JSON stays the single source of truth.
 */
import { stringify } from "yaml";
import { lokiDatasourceUid, prometheusDatasourceUid } from "./lib/datasource";

/** Where the Observability component mounts dashboards/generated/*.json inside the Grafana pod. */
export const grafanaDashboardsPath = "/var/lib/grafana/dashboards";

export interface GrafanaProvisioningOptions {
  /** In-cluster Prometheus URL, e.g. http://prometheus:9090. */
  prometheusUrl: string;
  /** In-cluster Loki URL (when logs are collected), e.g. http://loki:3100. */
  lokiUrl?: string;
  /**
   * Prometheus' scrape interval. Grafana sizes `$__rate_interval` from it (4 x interval at least),
   * so rate() windows always hold two samples. Default 5 (the stack default).
   */
  scrapeIntervalSeconds?: number;
}

export function grafanaProvisioning(opts: GrafanaProvisioningOptions): { datasourcesYaml: string; dashboardProviderYaml: string } {
  const datasources = {
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        uid: prometheusDatasourceUid,
        type: "prometheus",
        access: "proxy",
        url: opts.prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: `${opts.scrapeIntervalSeconds ?? 5}s`, httpMethod: "POST" },
      },
      ...(opts.lokiUrl
        ? [{ name: "Loki", uid: lokiDatasourceUid, type: "loki", access: "proxy", url: opts.lokiUrl, isDefault: false, editable: false, jsonData: { maxLines: 1000 } }]
        : []),
    ],
  };
  const providers = {
    apiVersion: 1,
    providers: [
      {
        name: "relayminer-localnet",
        orgId: 1,
        folder: "Relay Miner Localnet",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: grafanaDashboardsPath, foldersFromFilesStructure: false },
      },
    ],
  };
  return { datasourcesYaml: stringify(datasources), dashboardProviderYaml: stringify(providers) };
}
