/**
 * Prometheus (scrape config generated from the topology, prometheus.ts), Grafana (datasources and
 * the dashboards of dashboards/, provisioned read-only), the chain exporter (what the chain did
 * with relays, chain-exporter.ts) and, with logs on, Loki and the log collector (logs.ts). Targets
 * are static per-pod DNS names and DNS discovery, so Prometheus needs no Kubernetes API permissions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { serviceNames, serviceUrl } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext } from "../k8s/run-as";
import { prometheusConfigYaml, type ScrapeTopology } from "./prometheus";
import { chainExporterWorkload, type ChainExporterArgs } from "./chain-exporter";
import { logsWorkloads, lokiUrl, type LogsArgs } from "./logs";
import { dashboardFiles, dashboardList, grafanaDashboardsPath, grafanaProvisioning } from "../../dashboards";

export interface ObservabilityArgs {
  images: { prometheus: string; grafana: string };
  imagePullPolicy: ImagePullPolicy;
  /** What Prometheus scrapes (its namespace is this component's). */
  scrape: ScrapeTopology;
  /** Grafana's admin password (kept in a Secret). */
  grafanaAdminPassword: pulumi.Input<string>;
  /** Anonymous viewer access to Grafana. */
  grafanaAnonymous: boolean;
  /** The chain exporter's image and where it reads the chain (its namespace and pull policy are this component's). */
  chainExporter: Omit<ChainExporterArgs, "namespace" | "imagePullPolicy">;
  /** Loki and the log collector (absent: logs are not collected, and the log panels are left out). */
  logs?: Omit<LogsArgs, "namespace" | "imagePullPolicy">;
  /** Deploy Grafana (off where no registry serves its image). */
  grafana: boolean;
}

export class Observability extends pulumi.ComponentResource {
  readonly prometheus: k8s.apps.v1.Deployment;
  /** Absent when Grafana is off. */
  readonly grafana?: k8s.apps.v1.Deployment;
  readonly chainExporter: k8s.apps.v1.Deployment;
  /** Absent when logs are not collected. */
  readonly loki?: k8s.apps.v1.Deployment;
  readonly logCollector?: k8s.apps.v1.DaemonSet;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Observability", name, {}, opts);
    const ns = args.scrape.namespace;
    const pullPolicy = { imagePullPolicy: args.imagePullPolicy };
    const child = { parent: this };

    // Prometheus
    const prom = serviceNames.prometheus;
    const promPort = containerPorts.prometheus.http;
    const promLabels = labelsFor(prom, "observability");
    const promYaml = prometheusConfigYaml(args.scrape);
    const promConfig = new k8s.core.v1.ConfigMap(
      `${name}-prometheus-config`,
      {
        metadata: { name: "prometheus-config", namespace: ns, labels: promLabels },
        data: { "prometheus.yml": promYaml },
      },
      child,
    );
    this.prometheus = new k8s.apps.v1.Deployment(
      `${name}-prometheus`,
      {
        metadata: { name: prom, namespace: ns, labels: promLabels },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: selectorFor(prom) },
          template: {
            metadata: { labels: promLabels, annotations: { [configHashAnnotation]: contentHash(promYaml) } },
            spec: {
              securityContext: podSecurityContext("prometheus"),
              containers: [
                {
                  name: "prometheus",
                  image: args.images.prometheus,
                  ...pullPolicy,
                  args: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=2d", "--web.enable-lifecycle"],
                  ports: [{ name: "http", containerPort: promPort }],
                  readinessProbe: httpProbe("/-/ready", promPort),
                  livenessProbe: httpProbe("/-/healthy", promPort, { initialDelaySeconds: 10, periodSeconds: 10 }),
                  resources: resources("50m", "256Mi", "1", "1Gi"),
                  volumeMounts: [
                    { name: "config", mountPath: "/etc/prometheus", readOnly: true },
                    { name: "data", mountPath: "/prometheus" },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: promConfig.metadata.name } },
                { name: "data", emptyDir: {} },
              ],
            },
          },
        },
      },
      child,
    );
    new k8s.core.v1.Service(
      `${name}-prometheus-service`,
      {
        metadata: { name: prom, namespace: ns, labels: promLabels },
        spec: { selector: selectorFor(prom), ports: [{ name: "http", port: promPort, targetPort: promPort }] },
      },
      child,
    );

    if (args.grafana) this.grafana = this.deployGrafana(name, args);

    const part = { namespace: ns, imagePullPolicy: args.imagePullPolicy };
    this.chainExporter = chainExporterWorkload(`${name}-chain-exporter`, { ...args.chainExporter, ...part }, child);
    if (args.logs) {
      const logs = logsWorkloads(`${name}-logs`, { ...args.logs, ...part }, child);
      this.loki = logs.loki;
      this.logCollector = logs.collector;
    }
    this.registerOutputs({});
  }

  private deployGrafana(name: string, args: ObservabilityArgs): k8s.apps.v1.Deployment {
    const ns = args.scrape.namespace;
    const pullPolicy = { imagePullPolicy: args.imagePullPolicy };
    const child = { parent: this };
    const prom = serviceNames.prometheus;
    const promPort = containerPorts.prometheus.http;
    const graf = serviceNames.grafana;
    const grafPort = containerPorts.grafana.http;
    const grafLabels = labelsFor(graf, "observability");
    const provisioning = grafanaProvisioning({
      prometheusUrl: serviceUrl("http", prom, ns, promPort),
      lokiUrl: args.logs ? lokiUrl(ns) : undefined,
      scrapeIntervalSeconds: args.scrape.scrapeIntervalSeconds,
    });
    const home = dashboardList.find((d) => d.key === "overview") ?? dashboardList[0];
    const dashboards = dashboardFiles({ logs: args.logs !== undefined });
    const admin = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: ns, labels: grafLabels },
        type: "Opaque",
        stringData: { "admin-user": "admin", "admin-password": pulumi.secret(args.grafanaAdminPassword) },
      },
      child,
    );
    const datasources = new k8s.core.v1.ConfigMap(
      `${name}-grafana-datasources`,
      {
        metadata: { name: "grafana-datasources", namespace: ns, labels: grafLabels },
        data: { "datasources.yaml": provisioning.datasourcesYaml },
      },
      child,
    );
    const providers = new k8s.core.v1.ConfigMap(
      `${name}-grafana-providers`,
      {
        metadata: { name: "grafana-dashboard-providers", namespace: ns, labels: grafLabels },
        data: { "dashboards.yaml": provisioning.dashboardProviderYaml },
      },
      child,
    );
    const dashboardMap = new k8s.core.v1.ConfigMap(
      `${name}-grafana-dashboards`,
      {
        metadata: { name: "grafana-dashboards", namespace: ns, labels: grafLabels },
        data: dashboards,
      },
      child,
    );

    const anonymous = args.grafanaAnonymous;
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-grafana`,
      {
        metadata: { name: graf, namespace: ns, labels: grafLabels },
        spec: {
          replicas: 1,
          selector: { matchLabels: selectorFor(graf) },
          template: {
            metadata: {
              labels: grafLabels,
              annotations: { [configHashAnnotation]: contentHash({ ...dashboards, ...provisioning }) },
            },
            spec: {
              securityContext: podSecurityContext("grafana"),
              containers: [
                {
                  name: "grafana",
                  image: args.images.grafana,
                  ...pullPolicy,
                  env: [
                    { name: "GF_SECURITY_ADMIN_USER", valueFrom: { secretKeyRef: { name: admin.metadata.name, key: "admin-user" } } },
                    { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: admin.metadata.name, key: "admin-password" } } },
                    { name: "GF_AUTH_ANONYMOUS_ENABLED", value: String(anonymous) },
                    { name: "GF_AUTH_ANONYMOUS_ORG_ROLE", value: "Viewer" },
                    { name: "GF_USERS_ALLOW_SIGN_UP", value: "false" },
                    { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
                    { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
                    { name: "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", value: `${grafanaDashboardsPath}/${home.file}` },
                  ],
                  ports: [{ name: "http", containerPort: grafPort }],
                  readinessProbe: httpProbe("/api/health", grafPort, { initialDelaySeconds: 3 }),
                  livenessProbe: httpProbe("/api/health", grafPort, { initialDelaySeconds: 20, periodSeconds: 10 }),
                  resources: resources("25m", "128Mi", "1", "512Mi"),
                  volumeMounts: [
                    { name: "datasources", mountPath: "/etc/grafana/provisioning/datasources", readOnly: true },
                    { name: "providers", mountPath: "/etc/grafana/provisioning/dashboards", readOnly: true },
                    { name: "dashboards", mountPath: grafanaDashboardsPath, readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "datasources", configMap: { name: datasources.metadata.name } },
                { name: "providers", configMap: { name: providers.metadata.name } },
                { name: "dashboards", configMap: { name: dashboardMap.metadata.name } },
              ],
            },
          },
        },
      },
      child,
    );
    new k8s.core.v1.Service(
      `${name}-grafana-service`,
      {
        metadata: { name: graf, namespace: ns, labels: grafLabels },
        spec: { selector: selectorFor(graf), ports: [{ name: "http", port: grafPort, targetPort: grafPort }] },
      },
      child,
    );
    return deployment;
  }
}
