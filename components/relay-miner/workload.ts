/**
 * What miners and relayers share: a StatefulSet of `pocket-relay-miner <role>` pods (stable names,
 * so each replica gets its own port-forward and URL), the rendered config and the gate scripts in
 * ConfigMaps whose hash rolls the pods, the supplier keys Secret, and init containers that gate
 * start-up on real readiness.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { mountPaths } from "../topology/names";
import { configHashAnnotation, contentHash, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext, secretFileMode } from "../k8s/run-as";
import { envVars, readScripts, scriptCommand, scriptsConfigMap, scriptsVolume, scriptsVolumeMount } from "../k8s/scripts";
import { supplierKeysFile } from "./relayminer-config";

/** The keys check and config validation every relay-miner pod runs first (validate-config.sh). */
const validateScripts = readScripts(__dirname, ["validate-config.sh"] as const);

export type Role = "miner" | "relayer";

export interface WorkloadArgs {
  name: string;
  role: Role;
  replicas: number;
  namespace: string;
  imagePullPolicy: ImagePullPolicy;
  /** pocket-relay-miner image (configured tag, or a content-addressed build). */
  image: pulumi.Input<string>;
  configYaml: string;
  keysSecretName: pulumi.Input<string>;
  ports: { name: string; port: number }[];
  /**
   * Port of the process's health server: `/ready` (200 only while Redis answers PING) is the
   * readiness probe, `/health` (up as soon as the process is) the liveness probe.
   */
  healthPort: number;
  initContainers: k8s.types.input.core.v1.Container[];
  /** The scripts the init containers run (file name → text), mounted at /scripts. */
  scripts: Record<string, string>;
  /** Headless Service that gives each pod a DNS name. */
  governingService: pulumi.Input<string>;
}

/** The ConfigMaps + StatefulSet; returns the StatefulSet. */
export function relayMinerStatefulSet(a: WorkloadArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.StatefulSet {
  const labels = labelsFor(a.name, a.role);
  const pullPolicy = { imagePullPolicy: a.imagePullPolicy };
  const configMap = new k8s.core.v1.ConfigMap(
    `${a.name}-config`,
    {
      metadata: { name: `${a.name}-config`, namespace: a.namespace, labels },
      data: { "config.yaml": a.configYaml },
    },
    opts,
  );
  const allScripts = { ...validateScripts, ...a.scripts };
  const scripts = scriptsConfigMap(`${a.name}-scripts`, { name: `${a.name}-scripts`, namespace: a.namespace, labels, scripts: allScripts }, opts);
  const configPath = `${mountPaths.relayMinerConfig}/config.yaml`;
  const mounts = [
    { name: "config", mountPath: mountPaths.relayMinerConfig, readOnly: true },
    { name: "keys", mountPath: mountPaths.supplierKeys, readOnly: true },
  ];
  return new k8s.apps.v1.StatefulSet(
    `${a.name}-statefulset`,
    {
      metadata: { name: a.name, namespace: a.namespace, labels },
      spec: {
        serviceName: a.governingService,
        replicas: a.replicas,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: selectorFor(a.name) },
        template: {
          metadata: { labels, annotations: { [configHashAnnotation]: contentHash({ "config.yaml": a.configYaml, ...allScripts }) } },
          spec: {
            terminationGracePeriodSeconds: 30,
            // As the image's own user, stated: the keys Secret is mounted readable by its group only.
            securityContext: podSecurityContext("relayMiner"),
            initContainers: [
              // The binaries ignore unknown YAML keys, and their `validate` never opens the keys
              // file: this step reads the keys as the relay-miner's user, then runs the binary's
              // `validate`, before any gate waits, with the reason in this container's log.
              {
                name: "validate-config",
                image: a.image,
                ...pullPolicy,
                command: scriptCommand("validate-config.sh"),
                env: envVars({ ROLE: a.role, CONFIG_FILE: configPath, KEYS_FILE: supplierKeysFile }),
                volumeMounts: [...mounts, scriptsVolumeMount],
              },
              ...a.initContainers,
            ],
            containers: [
              {
                name: a.role,
                image: a.image,
                ...pullPolicy,
                // args, not command: Tilt's restart wrapper replaces `command` of images it manages.
                args: [a.role, `--config=${configPath}`],
                env: [
                  // The binaries follow cgroup limits through automaxprocs; pin it so replicas behave alike.
                  { name: "GOMAXPROCS", value: "2" },
                  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                ],
                ports: a.ports.map((x) => ({ name: x.name, containerPort: x.port })),
                readinessProbe: httpProbe("/ready", a.healthPort, { initialDelaySeconds: 3 }),
                livenessProbe: httpProbe("/health", a.healthPort, { initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 6 }),
                resources: resources("50m", "256Mi", "2", "2Gi"),
                volumeMounts: mounts,
              },
            ],
            volumes: [
              { name: "config", configMap: { name: configMap.metadata.name } },
              { name: "keys", secret: { secretName: a.keysSecretName, defaultMode: secretFileMode } },
              scriptsVolume(scripts),
            ],
          },
        },
      },
    },
    opts,
  );
}
