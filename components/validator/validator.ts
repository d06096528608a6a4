/**
 * The chain: one pocketd validator started from the generated genesis. Public files (genesis,
 * initial signing state) go in a ConfigMap, the consensus and node keys in a Secret. Ready means
 * the chain reports a block height of at least 1, checked by a small sidecar's readiness probe, so
 * Pulumi's await (and everything that depends on this component) waits for a producing chain.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "../config/schema";
import type { GenesisArtifacts } from "../../genesis/build";
import { genesisFiles } from "../../genesis/build";
import { mountPaths, serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, containerBase, contentHash, execProbe, httpProbe, inClusterUrl, labelsFor, resources, selectorFor } from "../k8s/objects";
import { heightGateCommand, validatorConfigureScript } from "./scripts";

export interface ValidatorArgs {
  config: LocalnetConfig;
  genesis: GenesisArtifacts;
}

export class Validator extends pulumi.ComponentResource {
  /** In-cluster CometBFT RPC URL (deterministic from the config, so configs can be rendered up front). */
  readonly rpcUrl: string;
  readonly grpcAddress: string;
  readonly restUrl: string;
  readonly chainId: string;

  constructor(name: string, args: ValidatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Validator", name, {}, opts);
    const c = args.config;
    const ns = c.namespace;
    const n = serviceNames.validator;
    const p = containerPorts.validator;
    const labels = labelsFor(n, "validator");
    const home = mountPaths.validatorHome;
    const child = { parent: this };
    const { publicFiles, secretFiles, summary } = args.genesis;

    const genesisMap = new k8s.core.v1.ConfigMap(`${name}-genesis`, {
      metadata: { name: "validator-genesis", namespace: ns, labels },
      data: {
        [genesisFiles.genesis]: publicFiles[genesisFiles.genesis],
        [genesisFiles.privValidatorState]: publicFiles[genesisFiles.privValidatorState],
      },
    }, child);
    const keys = new k8s.core.v1.Secret(`${name}-keys`, {
      metadata: { name: "validator-keys", namespace: ns, labels },
      type: "Opaque",
      stringData: pulumi.secret({
        [genesisFiles.privValidatorKey]: secretFiles[genesisFiles.privValidatorKey],
        [genesisFiles.nodeKey]: secretFiles[genesisFiles.nodeKey],
      }),
    }, child);

    const script = validatorConfigureScript({
      home,
      genesisDir: "/genesis",
      keysDir: "/keys",
      node: { blockTimeSeconds: c.validator.blockTimeSeconds, listenHost: "0.0.0.0" },
    });
    const data = c.validator.keepState
      ? new k8s.core.v1.PersistentVolumeClaim(`${name}-data`, {
          // kind's default StorageClass binds only once a pod uses the claim, and the pod waits for
          // this resource: awaiting "Bound" here would deadlock.
          metadata: { name: "validator-data", namespace: ns, labels, annotations: { "pulumi.com/skipAwait": "true" } },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(c.kube.storageClass ? { storageClassName: c.kube.storageClass } : {}),
            resources: { requests: { storage: c.validator.storageSize } },
          },
        }, child)
      : undefined;
    const homeMount = { name: "home", mountPath: home };

    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: n, namespace: ns, labels },
      spec: {
        replicas: 1,
        // Two validators with the same key must never run at once.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selectorFor(n) },
        template: {
          metadata: {
            labels,
            annotations: { [configHashAnnotation]: contentHash({ genesis: summary.genesisSha256, script }) },
          },
          spec: {
            securityContext: { runAsUser: 0, runAsGroup: 0, fsGroup: 0 },
            initContainers: [
              {
                name: "init",
                image: c.images.pocketd,
                ...containerBase(c),
                command: ["sh", "-c"],
                args: [
                  `test -f ${home}/config/config.toml || pocketd init validator --chain-id ${summary.chainId} --home ${home} >/dev/null 2>&1; echo initialized`,
                ],
                volumeMounts: [homeMount],
              },
              {
                name: "configure",
                image: c.images.busybox,
                ...containerBase(c),
                command: ["sh", "-c", script],
                volumeMounts: [
                  homeMount,
                  { name: "genesis", mountPath: "/genesis", readOnly: true },
                  { name: "keys", mountPath: "/keys", readOnly: true },
                ],
              },
            ],
            containers: [
              {
                name: "pocketd",
                image: c.images.pocketd,
                ...containerBase(c),
                command: ["pocketd"],
                args: ["start", `--home=${home}`, `--log_level=${c.validator.logLevel}`],
                ports: [
                  { name: "p2p", containerPort: p.p2p },
                  { name: "rpc", containerPort: p.rpc },
                  { name: "grpc", containerPort: p.grpc },
                  { name: "rest", containerPort: p.rest },
                  { name: "metrics", containerPort: p.metrics },
                ],
                livenessProbe: httpProbe("/health", p.rpc, { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 }),
                resources: resources("250m", "512Mi", "2", "4Gi"),
                volumeMounts: [homeMount],
              },
              {
                // Pod readiness needs every container ready: this one is ready only at height >= 1.
                name: "height-gate",
                image: c.images.busybox,
                ...containerBase(c),
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"],
                readinessProbe: execProbe(heightGateCommand(p.rpc), { initialDelaySeconds: 3, periodSeconds: 2, failureThreshold: 1 }),
                resources: resources("5m", "8Mi", "50m", "32Mi"),
              },
            ],
            volumes: [
              data ? { name: "home", persistentVolumeClaim: { claimName: data.metadata.name } } : { name: "home", emptyDir: {} },
              { name: "genesis", configMap: { name: genesisMap.metadata.name } },
              { name: "keys", secret: { secretName: keys.metadata.name, defaultMode: 0o400 } },
            ],
          },
        },
      },
    }, child);

    new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: n, namespace: ns, labels },
      spec: {
        selector: selectorFor(n),
        ports: [
          { name: "rpc", port: p.rpc, targetPort: p.rpc },
          { name: "grpc", port: p.grpc, targetPort: p.grpc },
          { name: "rest", port: p.rest, targetPort: p.rest },
          { name: "metrics", port: p.metrics, targetPort: p.metrics },
        ],
      },
    }, { ...child, dependsOn: [deployment] });

    this.rpcUrl = inClusterUrl("http", n, ns, p.rpc);
    this.grpcAddress = `${n}.${ns}.svc.cluster.local:${p.grpc}`;
    this.restUrl = inClusterUrl("http", n, ns, p.rest);
    this.chainId = summary.chainId;
    this.registerOutputs({ rpcUrl: this.rpcUrl, grpcAddress: this.grpcAddress, restUrl: this.restUrl, chainId: this.chainId });
  }
}
