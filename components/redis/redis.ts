/**
 * Redis for the relay-miners: standalone (one StatefulSet pod) or a Redis Cluster (shards ×
 * (1 + replicas) pods formed by a Job), a Prometheus exporter beside it, and optionally Redis
 * Commander. Ready means: every node answers PING, and in cluster mode the cluster-create Job has
 * completed with `cluster_state:ok`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { minerRedisKeys, serviceNames } from "../topology/names";
import { containerPorts } from "../topology/ports";
import { configHashAnnotation, contentHash, execProbe, labelsFor, resources, selectorFor, type ImagePullPolicy } from "../k8s/objects";
import { headlessService } from "../k8s/headless-service";
import { podSecurityContext } from "../k8s/run-as";
import { envVars, readScripts, scriptCommand, scriptsConfigMap, scriptsVolume, scriptsVolumeMount } from "../k8s/scripts";
import { clusterCreateEnv, redisServerConf, redisNodeCount, redisNodeHosts, redisUrlFor } from "./render";

export interface RedisArgs {
  namespace: string;
  images: {
    redis: string;
    exporter: string;
    /** Used only when `commander` is true. */
    commander: string;
  };
  imagePullPolicy: ImagePullPolicy;
  mode: "standalone" | "cluster";
  /** The cluster's shape; read only in cluster mode. */
  cluster: { shards: number; replicasPerShard: number };
  maxMemoryMb: number;
  evictionPolicy: string;
  /** Append-only file on a volume claim per node; without it a restarted node comes back empty. */
  persistence: boolean;
  /** StorageClass of the volume claims. @default the cluster's default StorageClass */
  storageClass?: string;
  /** Deploy Redis Commander beside Redis. */
  commander: boolean;
  /** Deploy the Prometheus exporter (only something scrapes it: observability on). */
  exporter: boolean;
}

/** The cluster-forming script (see cluster-create.sh), mounted into the Job's pod. */
const scripts = readScripts(__dirname, ["cluster-create.sh"] as const);

export class Redis extends pulumi.ComponentResource {
  /** URL the relay-miners use: `redis://host:port` or `redis-cluster://h1:p,h2:p,…`. */
  readonly url: string;
  /** Number of Redis server pods. */
  readonly nodeCount: number;
  /** In-cluster host names of the nodes (the Service for one node, each pod's name in a cluster). */
  readonly nodeHosts: string[];
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  readonly service: k8s.core.v1.Service;
  /** The Job that forms the cluster (cluster mode only). */
  readonly clusterJob?: k8s.batch.v1.Job;
  /**
   * What dependents list in `dependsOn`: the servers (in cluster mode the Job that formed them),
   * not the exporter or Redis Commander beside them.
   */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Redis", name, {}, opts);
    const ns = args.namespace;
    const cluster = args.mode === "cluster";
    const svc = serviceNames.redis;
    const port = containerPorts.redis.redis;
    const pullPolicy = { imagePullPolicy: args.imagePullPolicy };
    this.nodeCount = redisNodeCount(args);
    const hosts = redisNodeHosts(ns, this.nodeCount);
    this.nodeHosts = hosts;
    const labels = labelsFor(svc, "redis");
    const child = { parent: this };

    const conf = redisServerConf({
      maxMemoryMb: args.maxMemoryMb,
      evictionPolicy: args.evictionPolicy,
      persistence: args.persistence,
      cluster,
    });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: "redis-config", namespace: ns, labels },
        data: { "redis.conf": conf },
      },
      child,
    );

    // Headless in both modes. Cluster mode needs it: every node gets a stable DNS name and clients
    // are redirected by name. Standalone could use a ClusterIP, but clusterIP cannot change once set,
    // so switching redis.mode would have to replace the Service, and the provider's preview of that
    // replacement fails ("spec.clusterIPs[0]: may not change once set", seen on a real API server).
    // Nothing waits on this Service: its await needs the StatefulSet's pods, a deadlock for a dependsOn.
    // Same spec in both modes, so a mode switch never updates it (see headlessService).
    this.service = headlessService(`${name}-service`, { name: svc, namespace: ns, component: "redis", selects: svc, ports: [{ name: "redis", port }] }, child);

    const announce = cluster ? ["--cluster-announce-hostname", `$(POD_NAME).${svc}.${ns}.svc.cluster.local`, "--cluster-preferred-endpoint-type", "hostname"] : [];
    const dataVolume = { name: "data", mountPath: "/data" };
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { name: svc, namespace: ns, labels },
        spec: {
          serviceName: svc,
          replicas: this.nodeCount,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selectorFor(svc) },
          template: {
            metadata: { labels, annotations: { [configHashAnnotation]: contentHash(conf) } },
            spec: {
              securityContext: podSecurityContext("redis"),
              containers: [
                {
                  name: "redis",
                  image: args.images.redis,
                  ...pullPolicy,
                  command: ["redis-server", "/etc/redis/redis.conf", "--dir", "/data", ...announce],
                  env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                  ports: [{ name: "redis", containerPort: port }, ...(cluster ? [{ name: "bus", containerPort: port + 10000 }] : [])],
                  readinessProbe: execProbe(["sh", "-c", "redis-cli ping | grep -q PONG"], { initialDelaySeconds: 2 }),
                  livenessProbe: execProbe(["sh", "-c", "redis-cli ping | grep -q PONG"], { initialDelaySeconds: 15, periodSeconds: 10 }),
                  resources: resources("25m", "128Mi", "2", `${args.maxMemoryMb + 256}Mi`),
                  volumeMounts: [{ name: "config", mountPath: "/etc/redis" }, dataVolume],
                },
              ],
              volumes: [{ name: "config", configMap: { name: configMap.metadata.name } }, ...(args.persistence ? [] : [{ name: "data", emptyDir: {} }])],
            },
          },
          volumeClaimTemplates: args.persistence
            ? [
                {
                  metadata: { name: "data" },
                  spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                    resources: { requests: { storage: "1Gi" } },
                  },
                },
              ]
            : undefined,
        },
      },
      child,
    );

    const ready: pulumi.Resource[] = [this.statefulSet];
    if (cluster) {
      const scriptMap = scriptsConfigMap(`${name}-scripts`, { name: "redis-scripts", namespace: ns, labels, scripts }, child);
      // A Job runs once, so it must change whenever the Redis pods may have been recreated: without a
      // volume a recreated node comes back empty, outside the cluster, until the script re-forms it.
      // Its template therefore carries the hash of what the StatefulSet's pod template is made of,
      // and of the script it runs.
      const podsHash = contentHash(JSON.stringify({ conf, image: args.images.redis, container: pullPolicy, announce, persistence: args.persistence, scripts }));
      const jobLabels = labelsFor("redis-cluster-create", "redis");
      this.clusterJob = new k8s.batch.v1.Job(
        `${name}-cluster-create`,
        {
          metadata: { name: "redis-cluster-create", namespace: ns, labels: jobLabels },
          spec: {
            backoffLimit: 6,
            template: {
              metadata: { labels: jobLabels, annotations: { [configHashAnnotation]: podsHash } },
              spec: {
                restartPolicy: "OnFailure",
                securityContext: podSecurityContext("redis"),
                containers: [
                  {
                    name: "create",
                    image: args.images.redis,
                    ...pullPolicy,
                    command: scriptCommand("cluster-create.sh"),
                    env: envVars(clusterCreateEnv({ hosts, port, replicasPerShard: args.cluster.replicasPerShard })),
                    volumeMounts: [scriptsVolumeMount],
                  },
                ],
                volumes: [scriptsVolume(scriptMap)],
              },
            },
          },
        },
        { ...child, dependsOn: [this.statefulSet] },
      );
      ready.push(this.clusterJob);
    }

    this.url = redisUrlFor(args.mode, hosts, port);
    if (args.exporter) this.exporter(name, args, hosts[0], port, ready);
    if (args.commander) this.commander(name, args, hosts[0], port, ready);

    this.ready = this.clusterJob ?? this.statefulSet;
    this.registerOutputs({ url: this.url, nodeCount: this.nodeCount });
  }

  private exporter(name: string, a: RedisArgs, host: string, port: number, after: pulumi.Resource[]) {
    const ns = a.namespace;
    const cluster = a.mode === "cluster";
    const child = { parent: this };
    const exporterAddr = `redis://${host}:${port}`;
    const exporterLabels = labelsFor(serviceNames.redisExporter, "redis");
    new k8s.apps.v1.Deployment(
      `${name}-exporter`,
      {
        metadata: { name: serviceNames.redisExporter, namespace: ns, labels: exporterLabels },
        spec: {
          replicas: 1,
          selector: { matchLabels: selectorFor(serviceNames.redisExporter) },
          template: {
            metadata: { labels: exporterLabels },
            spec: {
              securityContext: podSecurityContext("redisExporter"),
              containers: [
                {
                  name: "exporter",
                  image: a.images.exporter,
                  imagePullPolicy: a.imagePullPolicy,
                  env: [
                    { name: "REDIS_ADDR", value: exporterAddr },
                    ...(cluster ? [{ name: "REDIS_EXPORTER_IS_CLUSTER", value: "true" }] : []),
                    // Stream lengths and consumer-group lag of the relay streams, for the Redis dashboard.
                    { name: "REDIS_EXPORTER_CHECK_STREAMS", value: minerRedisKeys.relayStreamPattern },
                  ],
                  ports: [{ name: "metrics", containerPort: containerPorts.redisExporter.metrics }],
                  readinessProbe: { httpGet: { path: "/health", port: containerPorts.redisExporter.metrics }, periodSeconds: 5 },
                  resources: resources("10m", "32Mi", "200m", "128Mi"),
                },
              ],
            },
          },
        },
      },
      { ...child, dependsOn: after },
    );
    new k8s.core.v1.Service(
      `${name}-exporter-service`,
      {
        metadata: { name: serviceNames.redisExporter, namespace: ns, labels: exporterLabels },
        spec: {
          selector: selectorFor(serviceNames.redisExporter),
          ports: [{ name: "metrics", port: containerPorts.redisExporter.metrics, targetPort: containerPorts.redisExporter.metrics }],
        },
      },
      child,
    );
  }

  private commander(name: string, a: RedisArgs, host: string, port: number, after: pulumi.Resource[]) {
    const n = serviceNames.redisCommander;
    const labels = labelsFor(n, "redis");
    const http = containerPorts.redisCommander.http;
    new k8s.apps.v1.Deployment(
      `${name}-commander`,
      {
        metadata: { name: n, namespace: a.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: selectorFor(n) },
          template: {
            metadata: { labels },
            spec: {
              securityContext: podSecurityContext("redisCommander"),
              containers: [
                {
                  name: "commander",
                  image: a.images.commander,
                  imagePullPolicy: a.imagePullPolicy,
                  env: [
                    { name: "REDIS_HOSTS", value: `localnet:${host}:${port}` },
                    { name: "PORT", value: String(http) },
                  ],
                  ports: [{ name: "http", containerPort: http }],
                  readinessProbe: { tcpSocket: { port: http }, periodSeconds: 5 },
                  resources: resources("10m", "64Mi", "200m", "256Mi"),
                },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: after },
    );
    new k8s.core.v1.Service(
      `${name}-commander-service`,
      {
        metadata: { name: n, namespace: a.namespace, labels },
        spec: { selector: selectorFor(n), ports: [{ name: "http", port: http, targetPort: http }] },
      },
      { parent: this },
    );
  }
}
