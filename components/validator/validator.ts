/**
 * The chain: one pocketd validator started from the generated genesis. Public files (genesis,
 * initial signing state) go in a ConfigMap, the consensus and node keys in a Secret. Ready means
 * the chain reports a block height of at least 1, checked by a small sidecar's readiness probe, so
 * Pulumi's await (and everything that depends on this component) waits for a producing chain.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { mountPaths, serviceDns, serviceNames, serviceUrl } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, execProbe, httpProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { podSecurityContext, secretFileMode } from "../k8s/run-as";
import { envVars, scriptCommand, scriptsConfigMap, scriptsVolume, scriptsVolumeMount } from "../k8s/scripts";
import { configureEnv, validatorScripts } from "./scripts";

/** The generated chain start, as the pocketd home holds it. */
export interface ValidatorGenesis {
  chainId: string;
  /** sha256 of genesis.json: a new genesis rolls the pod. */
  genesisSha256: string;
  /** Public files (a ConfigMap). */
  genesisJson: string;
  privValidatorStateJson: string;
  /** Key files (a Secret). */
  privValidatorKeyJson: string;
  nodeKeyJson: string;
}

export interface ValidatorArgs {
  namespace: string;
  images: { pocketd: string; busybox: string };
  imagePullPolicy: ImagePullPolicy;
  genesis: ValidatorGenesis;
  blockTimeSeconds: number;
  logLevel: string;
  /** Keep the chain on a volume claim across pod restarts (else every restart starts it anew). */
  keepState: boolean;
  /** Size of that claim (read only with keepState). */
  storageSize: string;
  /** StorageClass of that claim. @default the cluster's default StorageClass */
  storageClass?: string;
}

export class Validator extends pulumi.ComponentResource {
  /** In-cluster CometBFT RPC URL (deterministic from the config, so configs can be rendered up front). */
  readonly rpcUrl: string;
  readonly grpcAddress: string;
  readonly restUrl: string;
  readonly chainId: string;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  /** What dependents list in `dependsOn`: this component, ready at block height 1. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: ValidatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Validator", name, {}, opts);
    const ns = args.namespace;
    const n = serviceNames.validator;
    const p = containerPorts.validator;
    const labels = labelsFor(n, "validator");
    const home = mountPaths.validatorHome;
    const pullPolicy = { imagePullPolicy: args.imagePullPolicy };
    const child = { parent: this };
    const g = args.genesis;

    const genesisMap = new k8s.core.v1.ConfigMap(
      `${name}-genesis`,
      {
        metadata: { name: "validator-genesis", namespace: ns, labels },
        data: { "genesis.json": g.genesisJson, "priv_validator_state.json": g.privValidatorStateJson },
      },
      child,
    );
    const keys = new k8s.core.v1.Secret(
      `${name}-keys`,
      {
        metadata: { name: "validator-keys", namespace: ns, labels },
        type: "Opaque",
        stringData: pulumi.secret({ "priv_validator_key.json": g.privValidatorKeyJson, "node_key.json": g.nodeKeyJson }),
      },
      child,
    );
    const scripts = scriptsConfigMap(`${name}-scripts`, { name: "validator-scripts", namespace: ns, labels, scripts: validatorScripts }, child);

    const data = args.keepState
      ? new k8s.core.v1.PersistentVolumeClaim(
          `${name}-data`,
          {
            // kind's default StorageClass binds only once a pod uses the claim, and the pod waits for
            // this resource: awaiting "Bound" here would deadlock.
            metadata: { name: "validator-data", namespace: ns, labels, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
              resources: { requests: { storage: args.storageSize } },
            },
          },
          child,
        )
      : undefined;
    const homeMount = { name: "home", mountPath: home };

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: n, namespace: ns, labels },
        spec: {
          replicas: 1,
          // Two validators with the same key must never run at once.
          strategy: { type: "Recreate" },
          selector: { matchLabels: selectorFor(n) },
          template: {
            metadata: {
              labels,
              annotations: { [configHashAnnotation]: contentHash({ genesis: g.genesisSha256, ...validatorScripts }) },
            },
            spec: {
              // Every container (busybox steps included) as pocketd's own user: the keys Secret is
              // readable by its group only, and the home the init steps write is the one pocketd runs on.
              securityContext: podSecurityContext("pocketd"),
              initContainers: [
                {
                  name: "init",
                  image: args.images.pocketd,
                  ...pullPolicy,
                  command: scriptCommand("init.sh"),
                  env: envVars({ POCKET_HOME: home, CHAIN_ID: g.chainId }),
                  volumeMounts: [homeMount, scriptsVolumeMount],
                },
                {
                  name: "configure",
                  image: args.images.busybox,
                  ...pullPolicy,
                  command: scriptCommand("configure.sh"),
                  env: envVars(configureEnv({ home, genesisDir: "/genesis", keysDir: "/keys", blockTimeSeconds: args.blockTimeSeconds, listenHost: "0.0.0.0" })),
                  volumeMounts: [homeMount, { name: "genesis", mountPath: "/genesis", readOnly: true }, { name: "keys", mountPath: "/keys", readOnly: true }, scriptsVolumeMount],
                },
              ],
              containers: [
                {
                  name: "pocketd",
                  image: args.images.pocketd,
                  ...pullPolicy,
                  command: ["pocketd"],
                  args: ["start", `--home=${home}`, `--log_level=${args.logLevel}`],
                  ports: [
                    { name: "p2p", containerPort: p.p2p },
                    { name: "rpc", containerPort: p.rpc },
                    { name: "grpc", containerPort: p.grpc },
                    { name: "rest", containerPort: p.rest },
                    { name: "metrics", containerPort: p.metrics },
                  ],
                  livenessProbe: httpProbe("/health", p.rpc, { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 }),
                  resources: resources("100m", "512Mi", "2", "4Gi"),
                  volumeMounts: [homeMount],
                },
                {
                  // Pod readiness needs every container ready: this one is ready only at height >= 1.
                  name: "height-gate",
                  image: args.images.busybox,
                  ...pullPolicy,
                  command: scriptCommand("idle.sh"),
                  env: envVars({ RPC_PORT: String(p.rpc) }),
                  readinessProbe: execProbe(scriptCommand("height-gate.sh"), { initialDelaySeconds: 3, periodSeconds: 2, failureThreshold: 1 }),
                  resources: resources("5m", "8Mi", "50m", "32Mi"),
                  volumeMounts: [scriptsVolumeMount],
                },
              ],
              volumes: [
                data ? { name: "home", persistentVolumeClaim: { claimName: data.metadata.name } } : { name: "home", emptyDir: {} },
                { name: "genesis", configMap: { name: genesisMap.metadata.name } },
                { name: "keys", secret: { secretName: keys.metadata.name, defaultMode: secretFileMode } },
                scriptsVolume(scripts),
              ],
            },
          },
        },
      },
      child,
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
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
      },
      { ...child, dependsOn: [this.deployment] },
    );

    this.rpcUrl = serviceUrl("http", n, ns, p.rpc);
    this.grpcAddress = `${serviceDns(n, ns)}:${p.grpc}`;
    this.restUrl = serviceUrl("http", n, ns, p.rest);
    this.chainId = g.chainId;
    this.ready = this;
    this.registerOutputs({ rpcUrl: this.rpcUrl, grpcAddress: this.grpcAddress, restUrl: this.restUrl, chainId: this.chainId });
  }
}
