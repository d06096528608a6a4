/**
 * The provisioned datasources. Their uids are fixed in Grafana's provisioning (grafana.ts), and
 * every panel references one by that uid, so dashboards work without a datasource picker and
 * another datasource can never be selected by accident.
 */
export const prometheusDatasourceUid = "localnet-prometheus";
export const lokiDatasourceUid = "localnet-loki";

export const prometheusDatasource = { type: "prometheus", uid: prometheusDatasourceUid } as const;
export const lokiDatasource = { type: "loki", uid: lokiDatasourceUid } as const;

export type Datasource = typeof prometheusDatasource | typeof lokiDatasource;
