/**
 * Logs: Loki (one pod, its data on the pod's own volume) and the log collector, a DaemonSet that
 * reads the localnet's pod log files on each node (hostPath, read-only) and sends them to Loki.
 * The collector runs as root because the kubelet's log files are root's; it drops every
 * capability, writes nothing and only reads the log directory.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { serviceNames, serviceUrl } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext } from "../k8s/run-as";
import { collectorConfigYaml } from "./log-collector";
import { lokiConfigYaml } from "./loki";

export interface LogsArgs {
  namespace: string;
  images: { loki: pulumi.Input<string>; logCollector: pulumi.Input<string> };
  imagePullPolicy: ImagePullPolicy;
  retentionHours: number;
}

/** Where the kubelet writes pod logs (its default; kind, minikube and Docker Desktop keep it). */
export const podLogsDir = "/var/log/pods";
const lokiDataDir = "/loki";
const collectorMemoryMib = 100;

export function lokiUrl(namespace: string): string {
  return serviceUrl("http", serviceNames.loki, namespace, containerPorts.loki.http);
}

export function logsWorkloads(name: string, a: LogsArgs, opts: pulumi.CustomResourceOptions): { loki: k8s.apps.v1.Deployment; collector: k8s.apps.v1.DaemonSet } {
  const ns = a.namespace;
  const pull = { imagePullPolicy: a.imagePullPolicy };

  const lokiName = serviceNames.loki;
  const lokiLabels = labelsFor(lokiName, "observability");
  const lokiPort = containerPorts.loki.http;
  const lokiYaml = lokiConfigYaml({ retentionHours: a.retentionHours, dataDir: lokiDataDir });
  const lokiConfig = new k8s.core.v1.ConfigMap(
    `${name}-loki-config`,
    { metadata: { name: "loki-config", namespace: ns, labels: lokiLabels }, data: { "loki.yaml": lokiYaml } },
    opts,
  );
  const loki = new k8s.apps.v1.Deployment(
    `${name}-loki`,
    {
      metadata: { name: lokiName, namespace: ns, labels: lokiLabels },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selectorFor(lokiName) },
        template: {
          metadata: { labels: lokiLabels, annotations: { [configHashAnnotation]: contentHash(lokiYaml) } },
          spec: {
            // The image's loki user; the data volume is made writable for its group (fsGroup).
            securityContext: podSecurityContext("loki"),
            containers: [
              {
                name: "loki",
                image: a.images.loki,
                ...pull,
                args: ["-config.file=/etc/loki/config/loki.yaml"],
                ports: [{ name: "http", containerPort: lokiPort }],
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                readinessProbe: httpProbe("/ready", lokiPort, { initialDelaySeconds: 2 }),
                livenessProbe: httpProbe("/ready", lokiPort, { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 }),
                resources: resources("50m", "96Mi", "1", "512Mi"),
                volumeMounts: [
                  { name: "config", mountPath: "/etc/loki/config", readOnly: true },
                  { name: "data", mountPath: lokiDataDir },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: lokiConfig.metadata.name } },
              { name: "data", emptyDir: {} },
              { name: "tmp", emptyDir: {} },
            ],
          },
        },
      },
    },
    opts,
  );
  new k8s.core.v1.Service(
    `${name}-loki-service`,
    { metadata: { name: lokiName, namespace: ns, labels: lokiLabels }, spec: { selector: selectorFor(lokiName), ports: [{ name: "http", port: lokiPort, targetPort: lokiPort }] } },
    opts,
  );

  const colName = serviceNames.logCollector;
  const colLabels = labelsFor(colName, "observability");
  const health = containerPorts.logCollector.health;
  const colYaml = collectorConfigYaml({ namespace: ns, lokiOtlpUrl: `${lokiUrl(ns)}/otlp`, podLogsDir, memoryLimitMib: collectorMemoryMib });
  const colConfig = new k8s.core.v1.ConfigMap(
    `${name}-collector-config`,
    { metadata: { name: "log-collector-config", namespace: ns, labels: colLabels }, data: { "config.yaml": colYaml } },
    opts,
  );
  const collector = new k8s.apps.v1.DaemonSet(
    `${name}-collector`,
    {
      metadata: { name: colName, namespace: ns, labels: colLabels },
      spec: {
        selector: { matchLabels: selectorFor(colName) },
        template: {
          metadata: { labels: colLabels, annotations: { [configHashAnnotation]: contentHash(colYaml) } },
          spec: {
            securityContext: { runAsUser: 0, runAsGroup: 0 },
            containers: [
              {
                name: "collector",
                image: a.images.logCollector,
                ...pull,
                args: ["--config=/etc/otelcol-k8s/localnet/config.yaml"],
                ports: [
                  { name: "health", containerPort: health },
                  { name: "metrics", containerPort: containerPorts.logCollector.metrics },
                ],
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                readinessProbe: httpProbe("/", health, { initialDelaySeconds: 1 }),
                livenessProbe: httpProbe("/", health, { initialDelaySeconds: 10, periodSeconds: 10 }),
                // The memory limiter refuses data before the container's limit is reached.
                resources: resources("20m", "64Mi", "500m", `${collectorMemoryMib + 60}Mi`),
                volumeMounts: [
                  { name: "config", mountPath: "/etc/otelcol-k8s/localnet", readOnly: true },
                  { name: "pod-logs", mountPath: podLogsDir, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: colConfig.metadata.name } },
              { name: "pod-logs", hostPath: { path: podLogsDir, type: "Directory" } },
            ],
          },
        },
      },
    },
    opts,
  );
  return { loki, collector };
}
