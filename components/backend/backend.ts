/**
 * The demo backend relayers forward relays to (services/backend). Its behaviour (error rates,
 * latency, fault rules, simulated chain) comes from stack config `backend.config`, rendered into a
 * ConfigMap: changing it rolls the pods, no image rebuild.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { LocalnetConfig } from "../config/schema";
import { serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { backendPodsServiceName } from "../observability/prometheus";
import { configHashAnnotation, containerBase, contentHash, httpProbe, labelsFor, resources, selectorFor } from "../k8s/objects";

export interface BackendArgs {
  config: LocalnetConfig;
  /** Image to run (from LocalnetImages: a built, content-addressed tag or the configured one). */
  image: pulumi.Input<string>;
}

/** CPU limit of a backend pod; `backend.workers = 0` means one worker per CPU of this limit. */
export const backendCpuLimit = 2;

/** Keys of the backend's config.yaml the component sets itself (ports from the registry). */
export const ownedBackendKeys = ["host", "http_port", "admin_port", "grpc_port", "metrics_port", "workers", "backend_id"];

/** The backend's config.yaml: the user's `backend.config` plus the listeners from the port registry. */
export function backendConfigObject(c: LocalnetConfig): Record<string, unknown> {
  const p = containerPorts.backend;
  return {
    ...c.backend.config,
    host: "0.0.0.0",
    http_port: p.http,
    admin_port: p.admin,
    grpc_port: p.grpc,
    metrics_port: p.metrics,
    // Node's CPU count ignores the cgroup limit, so "one per CPU" is the pod's limit, set here.
    workers: c.backend.workers === 0 ? backendCpuLimit : c.backend.workers,
  };
}

export class Backend extends pulumi.ComponentResource {
  /** Host relayers forward to. */
  readonly host: string;

  constructor(name: string, args: BackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Backend", name, {}, opts);
    const c = args.config;
    const n = serviceNames.backend;
    const p = containerPorts.backend;
    const labels = labelsFor(n, "backend");
    const child = { parent: this };
    const configYaml = stringify(backendConfigObject(c), { lineWidth: 0 });

    const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: "backend-config", namespace: c.namespace, labels },
      data: { "config.yaml": configYaml },
    }, child);

    const ports = [
      { name: "http", port: p.http },
      { name: "admin", port: p.admin },
      { name: "grpc", port: p.grpc },
      { name: "metrics", port: p.metrics },
    ];
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: n, namespace: c.namespace, labels },
      spec: {
        replicas: c.backend.replicas,
        selector: { matchLabels: selectorFor(n) },
        template: {
          metadata: { labels, annotations: { [configHashAnnotation]: contentHash(configYaml) } },
          spec: {
            // The backend drains for shutdown_grace_ms (10 s by default) after SIGTERM.
            terminationGracePeriodSeconds: 15,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
            containers: [{
              name: "backend",
              image: args.image,
              ...containerBase(c),
              env: [
                { name: "BACKEND_CONFIG", value: "/etc/backend/config.yaml" },
                // Each pod names itself in results and the X-Backend-Id header.
                { name: "BACKEND_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ],
              ports: ports.map((x) => ({ name: x.name, containerPort: x.port })),
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
              // /ready turns 503 while draining, so the Service stops sending before listeners close.
              readinessProbe: httpProbe("/ready", p.http, { initialDelaySeconds: 1 }),
              livenessProbe: httpProbe("/health", p.http, { initialDelaySeconds: 10, periodSeconds: 10 }),
              lifecycle: { preStop: { exec: { command: ["sleep", "3"] } } },
              resources: resources("100m", "128Mi", String(backendCpuLimit), "1Gi"),
              volumeMounts: [{ name: "config", mountPath: "/etc/backend", readOnly: true }],
            }],
            volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }],
          },
        },
      },
    }, child);

    new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: n, namespace: c.namespace, labels },
      spec: {
        selector: selectorFor(n),
        ports: ports.map((x) => ({ name: x.name, port: x.port, targetPort: x.port, ...(x.name === "grpc" ? { appProtocol: "grpc" } : {}) })),
      },
    }, child);

    // Per-pod addresses for Prometheus' DNS discovery when there are several backend pods.
    new k8s.core.v1.Service(`${name}-pods-service`, {
      metadata: { name: backendPodsServiceName, namespace: c.namespace, labels },
      spec: { clusterIP: "None", selector: selectorFor(n), ports: [{ name: "metrics", port: p.metrics, targetPort: p.metrics }] },
    }, child);

    this.host = `${n}.${c.namespace}.svc.cluster.local`;
    this.registerOutputs({ host: this.host });
  }
}
