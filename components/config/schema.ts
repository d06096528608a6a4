/**
 * The one schema of the stack configuration. Every type the components use derives from it, the
 * README's configuration reference and Pulumi.yaml's `config:` block are generated from it, and
 * every value has a default, so an empty stack deploys the seed topology: 2 miners, 2 relayers,
 * standalone Redis, observability on.
 *
 * Values arrive as strings when set as flat keys (`pulumi config set relayer.count 5`), so numbers
 * and booleans accept their string forms (numbers only as plain decimal digits); `load.ts` merges
 * flat keys over structured ones.
 */
import { z } from "zod";
import { defaultNamespace } from "../topology/names";
import { hostPortDefaults, type HostPortName } from "../topology/ports";
import { currentRelease, formatRedisVersion, relayMinerVersionIds, relayMinerVersions, type RelayMinerVersionId } from "../relay-miner/versions/versions";
import { timingPresets } from "../timing/sessions";

// Only plain decimal digits: Number() would also read "0x3" as 3 and "1e1" as 10.
const toNumber = (v: unknown) => (typeof v === "string" && /^-?[0-9]+$/.test(v) ? Number(v) : v);
const toBoolean = (v: unknown) => (v === "true" ? true : v === "false" ? false : v);
const toObject = (v: unknown) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

/** An integer in [min, max]; accepts "5" as well as 5 (not "0x5" or "5e0"). */
export const int = (min: number, max: number) => z.preprocess(toNumber, z.number().int().min(min).max(max));
/** A boolean; accepts "true"/"false". */
export const bool = () => z.preprocess(toBoolean, z.boolean());
/** A free-form object (config overrides); accepts a JSON string. */
export const overrides = () => z.preprocess(toObject, z.record(z.string(), z.unknown()));

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a DNS label: lowercase letters, digits and '-', at most 63 characters");
// [registry[:port]/]repository[:tag][@sha256:digest], e.g. localhost:5001/backend:3f2a or redis:8.10.2-alpine
const image = z
  .string()
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    "an image reference such as redis:8.10.2-alpine or localhost:5001/backend:dev",
  );
const logLevel = z.enum(["debug", "info", "warn", "error"]);
const quantity = z.string().regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)?$/, "a Kubernetes quantity such as 2Gi");

const kube = z
  .strictObject({
    context: z.string().min(1).optional().describe("kubeconfig context to deploy to. Default: the kubeconfig's current context."),
    kubeconfig: z.string().min(1).optional().describe("Path of the kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config."),
    renderDir: z
      .string()
      .min(1)
      .optional()
      .describe("Write manifests to this directory instead of applying them (no cluster needed; Secrets are written in plain text). Default: unset."),
    storageClass: z.string().min(1).optional().describe("StorageClass of persistent volumes. Default: the cluster's default class."),
    imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).default("IfNotPresent").describe("Pull policy of every container."),
    allowReservedNamespace: bool().default(false).describe("Allow `namespace` to be one Kubernetes keeps for itself (default, kube-system, kube-public, kube-node-lease, kube-*)."),
  })
  .prefault({});

const redisMinimums = relayMinerVersionIds.map((id) => `${formatRedisVersion(relayMinerVersions[id].redis.minimum)} for ${id}`).join(", ");
/** Prometheus release the localnet deploys; the tests build and run this same version (tools/programs). */
export const PROMETHEUS_VERSION = "3.5.0";

const images = z
  .strictObject({
    pocketd: image.default("ghcr.io/pokt-network/pocketd:0.1.35").describe("Chain node image (pocketd)."),
    relayMiner: image
      .optional()
      .describe(
        `Relayer and miner image (pocket-relay-miner; both run the same one). Default: the image of relayMiner.version (${relayMinerVersions[currentRelease].image} for the default version). A tag that names no known version needs relayMiner.version.`,
      ),
    redis: image.default("redis:8.10.2-alpine").describe(`Redis image; at least the minimum of relayMiner.version (${redisMinimums}).`),
    redisExporter: image.default("oliver006/redis_exporter:v1.74.0").describe("Prometheus exporter for Redis."),
    redisCommander: image.default("ghcr.io/joeferner/redis-commander:0.9.0").describe("Redis Commander web UI."),
    prometheus: image.default(`prom/prometheus:v${PROMETHEUS_VERSION}`).describe("Prometheus image."),
    grafana: image.default("grafana/grafana:12.1.0").describe("Grafana image."),
    backend: image.default("relayminer-localnet/backend:dev").describe("Demo backend image (built from services/backend when build.enabled)."),
    chainExporter: image
      .default("relayminer-localnet/chain-exporter:dev")
      .describe("Chain exporter image: claims, proofs, settlements and stakes as metrics (built from services/chain-exporter when build.enabled)."),
    loki: image.default("grafana/loki:3.7.8").describe("Loki image (logs, with observability.logs.enabled)."),
    logCollector: image
      .default("otel/opentelemetry-collector-k8s:0.165.0")
      .describe("Log collector image: an OpenTelemetry Collector with the filelog receiver and the otlphttp exporter (with observability.logs.enabled)."),
    busybox: image.default("busybox:1.37").describe("Small image for init containers and readiness gates."),
  })
  .prefault({});

const relayMiner = z
  .strictObject({
    version: z
      .enum(relayMinerVersionIds)
      .optional()
      .describe(
        `Which pocket-relay-miner the relayers and miners run: its image, its config rules, its Redis minimum and its start-up gate follow. Default: the version images.relayMiner's tag names, else ${currentRelease} (the current release). Required with build.relayminerSource or an image whose tag names no version.`,
      ),
  })
  .prefault({});

const build = z
  .strictObject({
    enabled: bool()
      .default(false)
      .describe(
        "Build images (backend, and the chain exporter with observability on; relay-miner when relayminerSource is set) with the Docker engine. Off: use the image tags as given.",
      ),
    registry: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/, "a registry host[:port][/path] such as localhost:5001")
      .default("localhost:5001")
      .describe("Registry built images are pushed to (kind's local registry)."),
    relayminerSource: z.string().min(1).optional().describe("Path of a pocket-relay-miner checkout to build the relayer/miner image from. Default: unset (use images.relayMiner)."),
    relayminerBuild: z
      .enum(["dockerfile", "host"])
      .default("dockerfile")
      .describe(
        "How build.relayminerSource becomes an image. dockerfile: the checkout's own Dockerfile (its build steps download Go modules and Alpine packages, and compile every package). host: `go build` on this machine with your Go build cache (static, linux on your GOARCH, -trimpath), the binary added as one layer on images.relayMiner; a one-line change recompiles one package. Default: dockerfile.",
      ),
    builder: z
      .string()
      .min(1)
      .optional()
      .describe("buildx builder to build with. Default: the current Docker context's own builder (the engine builds and pushes, so it reaches localhost:5001)."),
    args: z
      .preprocess(toObject, z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a build argument name (letters, digits, '_')"), z.string()))
      .default({})
      .describe(
        'Build arguments of every image build, e.g. {"BUILD_BASE":"mirror.example/node:20-alpine"} (the backend\'s and the chain exporter\'s Dockerfiles take BUILD_BASE and RUNTIME_BASE). Part of the image tag.',
      ),
  })
  .prefault({});

const redis = z
  .strictObject({
    enabled: bool().default(true).describe("Deploy Redis. Required while any relayer or miner is deployed."),
    mode: z.enum(["standalone", "cluster"]).default("standalone").describe("One Redis server, or a Redis Cluster formed by a Job."),
    cluster: z
      .strictObject({
        shards: int(3, 9).default(3).describe("Primary nodes of the cluster (cluster mode). Changing it re-forms the cluster: its data is discarded."),
        replicasPerShard: int(0, 2).default(1).describe("Replicas of each primary (cluster mode). Changing it re-forms the cluster: its data is discarded."),
      })
      .prefault({}),
    maxMemoryMb: int(64, 65536).default(1024).describe("maxmemory of each Redis node, in MiB."),
    evictionPolicy: z
      .enum(["noeviction", "allkeys-lru", "volatile-lru"])
      .default("noeviction")
      .describe("maxmemory-policy. noeviction keeps session trees from being silently evicted."),
    persistence: bool().default(false).describe("Keep Redis data on a volume across restarts (keep it with validator.keepState)."),
    commander: bool().default(true).describe("Deploy the Redis Commander web UI."),
  })
  .prefault({});

const validator = z
  .strictObject({
    genesisFile: z.string().default("genesis/localnet.yaml").describe("Genesis description (YAML) the genesis is generated from."),
    blockTimeSeconds: int(1, 60).default(2).describe("Target block time (CometBFT timeout_commit); the miners are told the same, and their failover timings follow it."),
    timing: z
      .enum(timingPresets)
      .default("fast")
      .describe(
        "Session and window proportions: fast (10-block sessions) or mainnet (20-block sessions, 10-block grace and windows). Claim and proof windows stretch at short block times so a miner crash never loses a session.",
      ),
    keepState: bool()
      .default(false)
      .describe("Keep chain data on a volume across pod restarts; a changed genesis still starts a fresh chain (the pod says so). Off: every restart starts a fresh chain."),
    storageSize: quantity.default("2Gi").describe("Volume size when keepState is on."),
    logLevel: logLevel.default("info").describe("pocketd log level."),
  })
  .prefault({});

const miner = z
  .strictObject({
    count: int(0, 10).default(2).describe("Miner replicas (leader elected through Redis)."),
    logLevel: logLevel.default("info").describe("Miner log level."),
    config: overrides().default({}).describe("Overrides deep-merged into the rendered miner config.yaml."),
  })
  .prefault({});

const relayer = z
  .strictObject({
    count: int(0, 20).default(2).describe("Relayer replicas."),
    validationMode: z.enum(["eager", "optimistic"]).default("optimistic").describe("default_validation_mode: validate before forwarding (eager) or after (optimistic)."),
    logLevel: logLevel.default("info").describe("Relayer log level."),
    config: overrides().default({}).describe("Overrides deep-merged into the rendered relayer config.yaml."),
  })
  .prefault({});

const backend = z
  .strictObject({
    enabled: bool().default(true).describe("Deploy the demo backend."),
    replicas: int(1, 10).default(1).describe("Backend pods."),
    workers: int(0, 64)
      .default(1)
      .describe(
        "Serving processes per pod. 1 = one process (fits the pod's 128Mi memory request; exact fault sequences); more = a primary plus that many workers (~75 MB each, raise the request); 0 = one per CPU of the pod's limit (2).",
      ),
    externalHost: z
      .string()
      .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, "a DNS name starting with a letter (the relayer rejects an IP address as a gRPC backend host)")
      .optional()
      .describe("Host relayers forward to when the backend is disabled (your own backend). Default: unset."),
    config: overrides().default({}).describe("Backend behaviour (services/backend config.yaml: error_rate, delay_ms, fault rules, …)."),
  })
  .prefault({});

const logs = z
  .strictObject({
    enabled: bool()
      .default(true)
      .describe("Collect every localnet pod's logs into Loki (a log collector on each node reads the pods' log files) and show them in Grafana. Needs observability.enabled."),
    retentionHours: int(1, 720).default(24).describe("How long Loki keeps log lines, in hours."),
  })
  .prefault({});

const observability = z
  .strictObject({
    enabled: bool().default(true).describe("Deploy Prometheus, Grafana and the chain exporter."),
    grafana: bool()
      .default(true)
      .describe("Deploy Grafana beside Prometheus (observability on). Off: Prometheus only, no grafana URL or dashboard links (for clusters that cannot pull the Grafana image)."),
    scrapeIntervalSeconds: int(1, 300).default(5).describe("Prometheus scrape interval."),
    grafanaAnonymous: bool().default(true).describe("Let anyone on localhost view Grafana without logging in (Viewer role)."),
    grafanaAdminPassword: z.string().min(1).default("admin").describe("Grafana admin password; set it with --secret. Kept in a Kubernetes Secret."),
    logs,
  })
  .prefault({});

const portShape = Object.fromEntries(
  (Object.keys(hostPortDefaults) as HostPortName[]).map((name) => [name, int(1024, 65535).default(hostPortDefaults[name]).describe(`Host port (127.0.0.1) for ${name}.`)]),
) as Record<HostPortName, z.ZodDefault<ReturnType<typeof int>>>;
const ports = z.strictObject(portShape).prefault({});

export const localnetSchema = z.strictObject({
  namespace: dnsLabel.default(defaultNamespace).describe("Kubernetes namespace of every localnet object."),
  kube,
  images,
  relayMiner,
  build,
  redis,
  validator,
  miner,
  relayer,
  backend,
  observability,
  ports,
});

/** The stack configuration as the schema parses it, before the relay-miner version is settled. */
export type ParsedConfig = z.output<typeof localnetSchema>;
/**
 * The parsed, defaulted, checked stack configuration every component receives: the relay-miner
 * version and its image are settled (load.ts), so no component guesses either.
 */
export type LocalnetConfig = Omit<ParsedConfig, "images" | "relayMiner"> & {
  images: ParsedConfig["images"] & { relayMiner: string };
  relayMiner: { version: RelayMinerVersionId };
};
/** The shape a user may write (everything optional). */
export type LocalnetConfigInput = z.input<typeof localnetSchema>;
