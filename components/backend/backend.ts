/**
 * The demo backend relayers forward relays to (services/backend). Its behaviour (error rates,
 * latency, fault rules, simulated chain) comes from stack config `backend.config`, rendered into a
 * ConfigMap: changing it rolls the pods, no image rebuild.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { serviceDns, serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext } from "../k8s/run-as";
import { backendConfigObject, backendCpuLimit } from "./config";

export interface BackendArgs {
  namespace: string;
  /** Image to run (from LocalnetImages: a built, content-addressed tag or the configured one). */
  image: pulumi.Input<string>;
  imagePullPolicy: ImagePullPolicy;
  replicas: number;
  /** The backend's own config.yaml settings (services/backend/README.md); listeners are set here. */
  config: Record<string, unknown>;
  /** Worker processes per pod; 0 = one per CPU of the pod's limit. */
  workers: number;
}

export class Backend extends pulumi.ComponentResource {
  /** Host relayers forward to. */
  readonly host: string;
  readonly deployment: k8s.apps.v1.Deployment;
  /** What dependents list in `dependsOn`: this component, ready once its pods answer /ready. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: BackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Backend", name, {}, opts);
    const n = serviceNames.backend;
    const p = containerPorts.backend;
    const labels = labelsFor(n, "backend");
    const child = { parent: this };
    const configYaml = stringify(backendConfigObject({ config: args.config, workers: args.workers }), { lineWidth: 0 });

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: "backend-config", namespace: args.namespace, labels },
        data: { "config.yaml": configYaml },
      },
      child,
    );

    const ports = [
      { name: "http", port: p.http },
      { name: "admin", port: p.admin },
      { name: "grpc", port: p.grpc },
      { name: "metrics", port: p.metrics },
    ];
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: n, namespace: args.namespace, labels },
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: selectorFor(n) },
          template: {
            metadata: { labels, annotations: { [configHashAnnotation]: contentHash(configYaml) } },
            spec: {
              // The backend drains for shutdown_grace_ms (10 s by default) after SIGTERM.
              terminationGracePeriodSeconds: 15,
              securityContext: podSecurityContext("backend"),
              containers: [
                {
                  name: "backend",
                  image: args.image,
                  imagePullPolicy: args.imagePullPolicy,
                  env: [
                    { name: "BACKEND_CONFIG", value: "/etc/backend/config.yaml" },
                    // Each pod names itself in results and the X-Backend-Id header.
                    { name: "BACKEND_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                  ],
                  ports: ports.map((x) => ({ name: x.name, containerPort: x.port })),
                  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                  // /ready turns 503 while draining, so the Service stops sending before listeners close.
                  // Asked every second (the lean front answers it without express): a new pod of a
                  // rollout serves within a second of listening, not up to a 5 s period later.
                  readinessProbe: httpProbe("/ready", p.http, { periodSeconds: 1 }),
                  livenessProbe: httpProbe("/health", p.http, { initialDelaySeconds: 10, periodSeconds: 10 }),
                  lifecycle: { preStop: { exec: { command: ["sleep", "3"] } } },
                  resources: resources("50m", "128Mi", String(backendCpuLimit), "1Gi"),
                  volumeMounts: [{ name: "config", mountPath: "/etc/backend", readOnly: true }],
                },
              ],
              volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }],
            },
          },
        },
      },
      child,
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: n, namespace: args.namespace, labels },
        spec: {
          selector: selectorFor(n),
          ports: ports.map((x) => ({ name: x.name, port: x.port, targetPort: x.port, ...(x.name === "grpc" ? { appProtocol: "grpc" } : {}) })),
        },
      },
      child,
    );

    // Per-pod addresses for Prometheus' DNS discovery when there are several backend pods.
    new k8s.core.v1.Service(
      `${name}-pods-service`,
      {
        metadata: { name: serviceNames.backendMetrics, namespace: args.namespace, labels },
        spec: { clusterIP: "None", selector: selectorFor(n), ports: [{ name: "metrics", port: p.metrics, targetPort: p.metrics }] },
      },
      child,
    );

    this.host = serviceDns(n, args.namespace);
    this.ready = this;
    this.registerOutputs({ host: this.host });
  }
}
