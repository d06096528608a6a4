/**
 * The chain exporter's workload: one pod following the validator (block results over RPC, stakes
 * over REST) and serving what the chain did with relays on :9097 for Prometheus. The genesis
 * accounts file names reward recipients. It reads from the chain's first block, so a restarted pod
 * counts every claim and settlement again from genesis (counters restart; Prometheus handles that).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext } from "../k8s/run-as";

export interface ChainExporterArgs {
  namespace: string;
  image: pulumi.Input<string>;
  imagePullPolicy: ImagePullPolicy;
  /** CometBFT RPC and cosmos REST of the validator (in-cluster URLs). */
  rpcUrl: string;
  restUrl: string;
  /** The genesis keys.json (public: names and addresses). */
  accountsJson: string;
  /** Seconds between reads: the block time. */
  intervalSeconds: number;
}

const accountsDir = "/etc/chain-exporter";

/** The exporter's command line (the image's entrypoint runs node). */
export function chainExporterArgs(a: Pick<ChainExporterArgs, "rpcUrl" | "restUrl" | "intervalSeconds">): string[] {
  return [
    "node",
    "dist/main.js",
    `--rpc=${a.rpcUrl}`,
    `--rest=${a.restUrl}`,
    `--port=${containerPorts.chainExporter.metrics}`,
    `--interval=${a.intervalSeconds}`,
    `--accounts=${accountsDir}/keys.json`,
  ];
}

export function chainExporterWorkload(name: string, a: ChainExporterArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.Deployment {
  const n = serviceNames.chainExporter;
  const labels = labelsFor(n, "observability");
  const port = containerPorts.chainExporter.metrics;
  const accounts = new k8s.core.v1.ConfigMap(
    `${name}-accounts`,
    { metadata: { name: `${n}-accounts`, namespace: a.namespace, labels }, data: { "keys.json": a.accountsJson } },
    opts,
  );
  const args = chainExporterArgs(a);
  const deployment = new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: n, namespace: a.namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selectorFor(n) },
        template: {
          metadata: { labels, annotations: { [configHashAnnotation]: contentHash({ accounts: a.accountsJson, args: args.join(" ") }) } },
          spec: {
            securityContext: podSecurityContext("chainExporter"),
            containers: [
              {
                name: "chain-exporter",
                image: a.image,
                imagePullPolicy: a.imagePullPolicy,
                args,
                ports: [{ name: "metrics", containerPort: port }],
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                readinessProbe: httpProbe("/ready", port, { initialDelaySeconds: 1 }),
                livenessProbe: httpProbe("/healthy", port, { initialDelaySeconds: 10, periodSeconds: 10 }),
                resources: resources("20m", "48Mi", "500m", "192Mi"),
                volumeMounts: [{ name: "accounts", mountPath: accountsDir, readOnly: true }],
              },
            ],
            volumes: [{ name: "accounts", configMap: { name: accounts.metadata.name } }],
          },
        },
      },
    },
    opts,
  );
  new k8s.core.v1.Service(
    `${name}-service`,
    { metadata: { name: n, namespace: a.namespace, labels }, spec: { selector: selectorFor(n), ports: [{ name: "metrics", port, targetPort: port }] } },
    opts,
  );
  return deployment;
}
