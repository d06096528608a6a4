/**
 * Rules that span several keys. Each returns problems that name the key, its value and what would
 * be allowed; all rules run, so one `pulumi up` reports every mistake at once.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { LocalnetConfig } from "./schema";
import type { ConfigProblem } from "./errors";
import { findHostPortClashes, type HostForward } from "../topology/ports";
import { forwardsOf } from "./forwards";
import { effectiveMinerHaTimings, ownedKeysIn, ownedMinerKeys, ownedRelayerKeys } from "../relay-miner/relayminer-config";
import { haTimingProblems } from "../timing/failover";
import { backendConfigSchema } from "../../services/backend/config-schema";
import { backendConfigObject, ownedBackendKeys } from "../backend/config";
import { overrideProblems } from "../relay-miner/versions/fit";
import { resolvePath } from "../relay-miner/versions/config-rules";
import { formatRedisVersion, imageTag, relayMinerVersionIds, relayMinerVersions, type RedisVersion } from "../relay-miner/versions/versions";
import { imagesPinned } from "./image-rules";
import { minerConfigShape, relayerConfigShape } from "./relayminer-shapes";
import { checkShape } from "./shape";

export interface RuleContext {
  /** Directory relative paths in the config are resolved against (the Pulumi project dir). */
  projectDir: string;
}

type Rule = (c: LocalnetConfig, ctx: RuleContext) => ConfigProblem[];

const redisRequired: Rule = (c) =>
  !c.redis.enabled && (c.miner.count > 0 || c.relayer.count > 0)
    ? [
        {
          key: "redis.enabled",
          value: false,
          message: `Redis is required while relay-miners are deployed (miner.count = ${c.miner.count}, relayer.count = ${c.relayer.count}); set redis.enabled = true, or both counts to 0`,
        },
      ]
    : [];

const relayersNeedMiner: Rule = (c) =>
  c.relayer.count > 0 && c.miner.count === 0
    ? [
        {
          key: "miner.count",
          value: 0,
          message: `relayers (relayer.count = ${c.relayer.count}) need at least 1 miner: they learn block heights only from the miner leader; allowed: miner.count from 1 to 10, or relayer.count = 0`,
        },
      ]
    : [];

const relayersNeedBackend: Rule = (c) =>
  c.relayer.count > 0 && !c.backend.enabled && !c.backend.externalHost
    ? [
        {
          key: "backend.enabled",
          value: false,
          message: `relayers (relayer.count = ${c.relayer.count}) need a backend to forward to: set backend.enabled = true, or backend.externalHost to your own backend's host`,
        },
      ]
    : [];

function pathProblem(key: string, value: string, ctx: RuleContext, kind: "file" | "directory"): ConfigProblem[] {
  const full = isAbsolute(value) ? value : resolve(ctx.projectDir, value);
  if (!existsSync(full)) return [{ key, value, message: `no such ${kind} (looked at ${full}); allowed: an existing ${kind}, absolute or relative to the project directory` }];
  const isDir = statSync(full).isDirectory();
  if (kind === "file" && isDir) return [{ key, value, message: `is a directory; allowed: a ${kind}` }];
  if (kind === "directory" && !isDir) return [{ key, value, message: `is a file; allowed: a ${kind}` }];
  return [];
}

const referencedFilesExist: Rule = (c, ctx) => [
  ...pathProblem("validator.genesisFile", c.validator.genesisFile, ctx, "file"),
  ...(c.build.relayminerSource ? pathProblem("build.relayminerSource", c.build.relayminerSource, ctx, "directory") : []),
  ...(c.kube.kubeconfig ? pathProblem("kube.kubeconfig", c.kube.kubeconfig, ctx, "file") : []),
  ...(c.kube.renderDir ? outputDirProblem("kube.renderDir", c.kube.renderDir, ctx) : []),
];

/** A directory we will write: it may not exist yet, but it must not be a file, nor be below one. */
function outputDirProblem(key: string, value: string, ctx: RuleContext): ConfigProblem[] {
  let at = isAbsolute(value) ? value : resolve(ctx.projectDir, value);
  for (;;) {
    if (existsSync(at)) {
      if (statSync(at).isDirectory()) return [];
      const where = at === resolve(ctx.projectDir, value) ? "is a file" : `is below the file ${at}`;
      return [{ key, value, message: `${where}; allowed: a directory (it is created if missing)` }];
    }
    const parent = dirname(at);
    if (parent === at) return [];
    at = parent;
  }
}

/** Kubernetes' own namespaces: adopting one would put localnet objects among the cluster's. */
export const reservedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

const namespaceNotReserved: Rule = (c) =>
  (reservedNamespaces.includes(c.namespace) || c.namespace.startsWith("kube-")) && !c.kube.allowReservedNamespace
    ? [
        {
          key: "namespace",
          value: c.namespace,
          message: `is a namespace Kubernetes keeps for itself (${reservedNamespaces.join(", ")}, kube-*); pick another, or set kube.allowReservedNamespace = true to deploy there anyway`,
        },
      ]
    : [];

const externalHostOnlyWithoutBackend: Rule = (c) =>
  c.backend.enabled && c.backend.externalHost
    ? [
        {
          key: "backend.externalHost",
          value: c.backend.externalHost,
          message: "is used only when backend.enabled = false (relayers forward to the demo backend while it is deployed); unset it, or set backend.enabled = false",
        },
      ]
    : [];

/** Kubernetes refuses a zero-size volume only once the PVC is applied; say it now. */
const storageNotZero: Rule = (c) =>
  Number.parseFloat(c.validator.storageSize) > 0 ? [] : [{ key: "validator.storageSize", value: c.validator.storageSize, message: "must be more than zero, e.g. 2Gi" }];

/** Replica i listens on base + i: the last replica's port must still be a port. */
const replicaPortsInRange: Rule = (c) => {
  const last = new Map<string, HostForward>();
  for (const f of forwardsOf(c)) if (f.replica !== undefined && f.hostPort > 65535 && f.replica > (last.get(f.portName)?.replica ?? -1)) last.set(f.portName, f);
  return [...last.values()].map((f) => {
    const role = f.portName.startsWith("relayer") ? "relayer" : "miner";
    const count = f.replica! + 1;
    return {
      key: `ports.${f.portName}`,
      value: c.ports[f.portName],
      message: `with ${role}.count = ${count} the last replica would use host port ${f.hostPort}; allowed: a base port up to ${65535 - (count - 1)} (replica i uses base + i)`,
    };
  });
};

const hostPortsDistinct: Rule = (c) =>
  findHostPortClashes(forwardsOf(c)).map((clash) => ({
    key: clash.users[0].split(" ")[0],
    value: clash.hostPort,
    message: `host port ${clash.hostPort} is used by ${clash.users.join(" and ")}; allowed: a port no other forward uses (per-replica ports take base + replica index)`,
  }));

/** Overrides may not move what the port registry and topology own, or pods and probes would disagree. */
const overridesLeaveOwnedKeys: Rule = (c) => {
  const owned = (role: "relayer" | "miner", overrides: Record<string, unknown>, keys: readonly string[]) =>
    ownedKeysIn(overrides, keys).map((k) => ({
      key: `${role}.config.${k}`,
      message: `is set by the localnet (ports come from ports.*, URLs from the topology, keys from the genesis); remove it from ${role}.config`,
    }));
  return [...owned("relayer", c.relayer.config, ownedRelayerKeys), ...owned("miner", c.miner.config, ownedMinerKeys)];
};

/**
 * The failover timings the miner ends up with (ours from the block time, or the overrides) must fit
 * together. A value set in miner.config below its floor is named once, by the shape check.
 */
const minerTimingsAccepted: Rule = (c) => {
  const setByUser = (key: string) => resolvePath(c.miner.config, key)[0].value !== undefined;
  return haTimingProblems(effectiveMinerHaTimings(c.validator.blockTimeSeconds, c.miner.config))
    .filter((p) => !(p.message.startsWith("the relay-miner allows") && setByUser(p.key)))
    .map((p) => ({ key: `miner.config.${p.key}`, value: p.value, message: p.message }));
};

/** Overrides have the types, enums and bounds the relay-miner accepts (owned keys aside). */
const overridesHaveRelayMinerShapes: Rule = (c) => {
  const check = (role: "relayer" | "miner", overrides: Record<string, unknown>, owned: readonly string[]) => {
    const base = `${role}.config`;
    const isOwned = (key: string) => owned.some((o) => key === `${base}.${o}` || key.startsWith(`${base}.${o}.`) || key.startsWith(`${base}.${o}[`));
    return checkShape(overrides, role === "relayer" ? relayerConfigShape : minerConfigShape, base).filter((p) => !isOwned(p.key));
  };
  return [...check("relayer", c.relayer.config, ownedRelayerKeys), ...check("miner", c.miner.config, ownedMinerKeys)];
};

/** Overrides set nothing the chosen relay-miner version would refuse (retired keys, enums, minimums). */
const overridesFitVersion: Rule = (c) => [
  ...overrideProblems(c.relayMiner.version, "relayer", c.relayer.config),
  ...overrideProblems(c.relayMiner.version, "miner", c.miner.config),
];

/** Both override checks, each key named once: the shape's message (its type) first, else the version's. */
const overridesFitRelayMiner: Rule = (c, ctx) => {
  const named = new Set<string>();
  return [...overridesHaveRelayMinerShapes(c, ctx), ...overridesFitVersion(c, ctx)].filter((p) => !named.has(p.key) && named.add(p.key));
};

/** backend.config is checked with the backend's own schema now, not when the pod starts. */
const backendConfigValid: Rule = (c) => {
  if (!c.backend.enabled) return [];
  const owned = ownedKeysIn(c.backend.config, ownedBackendKeys).map((k) => ({
    key: `backend.config.${k}`,
    message: "is set by the localnet (ports from the port registry, workers from backend.workers, the id from the pod name); remove it",
  }));
  if (owned.length > 0) return owned;
  const result = backendConfigSchema.safeParse(backendConfigObject({ config: c.backend.config, workers: c.backend.workers }));
  if (result.success) return [];
  return result.error.issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ key: ["backend.config", ...path, k].join("."), message: issue.message }));
    }
    let value: unknown = c.backend.config;
    for (const k of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[k] : undefined;
    return [{ key: ["backend.config", ...path].join("."), value, message: issue.message }];
  });
};

/** The Redis version an image's tag names (`redis:8.10.2-alpine` → 8.10.2), if it names one. */
export function redisVersionOfImage(ref: string): RedisVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(imageTag(ref) ?? "");
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) } : undefined;
}

const atLeast = (v: RedisVersion, min: RedisVersion) => v.major - min.major || v.minor - min.minor || v.patch - min.patch;

/** The chosen relay-miner's Redis minimum; a tag without a version (a local build) cannot be checked. */
const redisNewEnough: Rule = (c) => {
  const have = redisVersionOfImage(c.images.redis);
  if (!c.redis.enabled || !have) return [];
  const { id, redis } = relayMinerVersions[c.relayMiner.version];
  if (atLeast(have, redis.minimum) >= 0) return [];
  const need = formatRedisVersion(redis.minimum);
  const older = relayMinerVersionIds.filter((v) => atLeast(have, relayMinerVersions[v].redis.minimum) >= 0);
  const instead = older.length ? `, or a relayMiner.version whose minimum it meets (${older.join(", ")})` : "";
  return [
    {
      key: "images.redis",
      value: c.images.redis,
      message: `is Redis ${formatRedisVersion(have)}, below ${need}, the minimum of relay-miner ${id} (relayMiner.version: ${redis.why}); use a Redis ${need} or newer image${instead}`,
    },
  ];
};

/** Versions that refuse to start on an evicting Redis: an evicted key is a claim that cannot be proved. */
const evictionPolicyAllowed: Rule = (c) => {
  const { id, redis } = relayMinerVersions[c.relayMiner.version];
  if (!c.redis.enabled || !redis.noEviction || c.redis.evictionPolicy === "noeviction") return [];
  return [
    {
      key: "redis.evictionPolicy",
      value: c.redis.evictionPolicy,
      message: `relay-miner ${id} (relayMiner.version) refuses to start unless Redis' maxmemory-policy is noeviction; allowed: noeviction`,
    },
  ];
};

const rules: Rule[] = [
  backendConfigValid,
  imagesPinned,
  redisRequired,
  relayersNeedMiner,
  relayersNeedBackend,
  externalHostOnlyWithoutBackend,
  namespaceNotReserved,
  storageNotZero,
  referencedFilesExist,
  replicaPortsInRange,
  hostPortsDistinct,
  overridesLeaveOwnedKeys,
  minerTimingsAccepted,
];
/** Rules that ask the chosen relay-miner version: meaningless while the version is in question. */
const versionRules: Rule[] = [redisNewEnough, evictionPolicyAllowed, overridesFitRelayMiner];

export function checkRules(config: LocalnetConfig, ctx: RuleContext, { versionKnown = true } = {}): ConfigProblem[] {
  return [...rules, ...(versionKnown ? versionRules : [])].flatMap((rule) => rule(config, ctx));
}
