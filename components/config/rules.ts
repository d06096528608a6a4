/**
 * Rules that span several keys. Each returns problems that name the key, its value and what would
 * be allowed; all rules run, so one `pulumi up` reports every mistake at once.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { LocalnetConfig } from "./schema";
import type { ConfigProblem } from "./errors";
import { findHostPortClashes } from "../topology/ports";
import { forwardsOf } from "./forwards";
import { effectiveMinerHaTimings, ownedKeysIn, ownedMinerKeys, ownedRelayerKeys } from "../relay-miner/relayminer-config";
import { haTimingProblems } from "../timing/failover";
import { backendConfigSchema } from "../../services/backend/config-schema";
import { backendConfigObject, ownedBackendKeys } from "../backend/config";

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
];

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

/** Failover timings set in miner.config must be ones the relay-miner accepts (its schema's floors). */
const minerTimingsAccepted: Rule = (c) =>
  haTimingProblems(effectiveMinerHaTimings(c.validator.blockTimeSeconds, c.miner.config)).map((p) => ({ key: `miner.config.${p.key}`, value: p.value, message: p.message }));

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

/** The miner acknowledges relays with XACKDEL, which Redis has only since 8.2. */
const redisNewEnough: Rule = (c) => {
  const tag = /:(\d+)\.(\d+)[^:/@]*(@|$)/.exec(c.images.redis);
  if (!c.redis.enabled || !tag) return [];
  const [major, minor] = [Number(tag[1]), Number(tag[2])];
  if (major > 8 || (major === 8 && minor >= 2)) return [];
  return [{ key: "images.redis", value: c.images.redis, message: "must be Redis 8.2 or newer (the miner acknowledges relays with XACKDEL); e.g. redis:8.4-alpine" }];
};

const rules: Rule[] = [
  backendConfigValid,
  redisNewEnough,
  redisRequired,
  relayersNeedMiner,
  relayersNeedBackend,
  referencedFilesExist,
  hostPortsDistinct,
  overridesLeaveOwnedKeys,
  minerTimingsAccepted,
];

export function checkRules(config: LocalnetConfig, ctx: RuleContext): ConfigProblem[] {
  return rules.flatMap((rule) => rule(config, ctx));
}
