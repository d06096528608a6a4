/**
 * What miners and relayers share: a StatefulSet of `pocket-relay-miner <role>` pods (stable names,
 * so each replica gets its own port-forward and URL), the rendered config in a ConfigMap whose hash
 * rolls the pods, the supplier keys Secret, and init containers that gate start-up on real readiness.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "../config/schema";
import { mountPaths } from "../topology/names";
import { configHashAnnotation, containerBase, contentHash, labelsFor, resources, selectorFor } from "../k8s/objects";

export type Role = "miner" | "relayer";

export interface WorkloadArgs {
  name: string;
  role: Role;
  replicas: number;
  config: LocalnetConfig;
  /** pocket-relay-miner image (configured tag, or a content-addressed build). */
  image: pulumi.Input<string>;
  configYaml: string;
  keysSecretName: pulumi.Input<string>;
  ports: k8s.types.input.core.v1.ContainerPort[];
  readinessProbe: k8s.types.input.core.v1.Probe;
  livenessProbe: k8s.types.input.core.v1.Probe;
  initContainers: k8s.types.input.core.v1.Container[];
  resources: ReturnType<typeof resources>;
  /** Headless Service that gives each pod a DNS name. */
  governingService: pulumi.Input<string>;
}

/** The ConfigMap + StatefulSet pair; returns the StatefulSet. */
export function relayMinerStatefulSet(a: WorkloadArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.StatefulSet {
  const c = a.config;
  const labels = labelsFor(a.name, a.role);
  const configMap = new k8s.core.v1.ConfigMap(`${a.name}-config`, {
    metadata: { name: `${a.name}-config`, namespace: c.namespace, labels },
    data: { "config.yaml": a.configYaml },
  }, opts);
  const configPath = `${mountPaths.relayMinerConfig}/config.yaml`;
  const mounts = [
    { name: "config", mountPath: mountPaths.relayMinerConfig, readOnly: true },
    { name: "keys", mountPath: mountPaths.supplierKeys, readOnly: true },
  ];
  return new k8s.apps.v1.StatefulSet(`${a.name}-statefulset`, {
    metadata: { name: a.name, namespace: c.namespace, labels },
    spec: {
      serviceName: a.governingService,
      replicas: a.replicas,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: selectorFor(a.name) },
      template: {
        metadata: { labels, annotations: { [configHashAnnotation]: contentHash(a.configYaml) } },
        spec: {
          terminationGracePeriodSeconds: 30,
          initContainers: [
            // The binaries ignore unknown YAML keys; their own `validate` catches what they would
            // reject at start-up, before any gate waits, with the reason in this container's log.
            {
              name: "validate-config",
              image: a.image,
              ...containerBase(c),
              args: [a.role, "validate", `--config=${configPath}`],
              volumeMounts: mounts,
            },
            ...a.initContainers,
          ],
          containers: [{
            name: a.role,
            image: a.image,
            ...containerBase(c),
            // args, not command: Tilt's restart wrapper replaces `command` of images it manages.
            args: [a.role, `--config=${configPath}`],
            env: [
              // The binaries follow cgroup limits through automaxprocs; pin it so replicas behave alike.
              { name: "GOMAXPROCS", value: "2" },
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            ],
            ports: a.ports,
            readinessProbe: a.readinessProbe,
            livenessProbe: a.livenessProbe,
            resources: a.resources,
            volumeMounts: mounts,
          }],
          volumes: [
            { name: "config", configMap: { name: configMap.metadata.name } },
            { name: "keys", secret: { secretName: a.keysSecretName, defaultMode: 0o400 } },
          ],
        },
      },
    },
  }, opts);
}
