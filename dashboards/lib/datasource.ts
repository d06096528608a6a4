/**
 * The one Prometheus datasource. Its uid is fixed in Grafana's provisioning (grafana.ts), and every
 * panel references it by that uid, so dashboards work without a datasource picker and a second
 * datasource can never be selected by accident.
 */
export const prometheusDatasourceUid = "localnet-prometheus";

export const prometheusDatasource = { type: "prometheus", uid: prometheusDatasourceUid } as const;
