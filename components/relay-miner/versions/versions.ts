/**
 * The one place that knows relay-miner versions: for each one the localnet supports, the image it
 * deploys, the pocketd it runs against, what it needs of Redis, what holds a relayer until the
 * miners are up, and the rules of its config.yaml. `relayMiner.version` picks one; the config
 * rules, the renderers and the start-up gates read it from here.
 */
import type { ConfigRules } from "./config-rules";
import { pinnedMinerRules, pinnedRelayerRules } from "./rules-ad37bcb";
import { releaseMinerRules, releaseRelayerRules } from "./rules-v0.1.2";

export const relayMinerVersionIds = ["v0.1.2", "ad37bcb"] as const;
export type RelayMinerVersionId = (typeof relayMinerVersionIds)[number];

/** The release a user of the localnet runs unless they pick another: the default. */
export const currentRelease: RelayMinerVersionId = "v0.1.2";
/** The commit the real-binary tests run (tools/versions.env builds it), and the test stacks choose. */
export const pinnedCommit: RelayMinerVersionId = "ad37bcb";

export interface RedisVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface RedisRequirements {
  minimum: RedisVersion;
  /** Why that minimum, in a few words (ends up in the config error). */
  why: string;
  /** Both binaries refuse to start unless maxmemory-policy is noeviction. */
  noEviction: boolean;
  /** Both binaries refuse to start with maxmemory 0. */
  maxmemory: boolean;
  /**
   * In a Redis Cluster the key prefix is the hash tag `{ha}` (every key in one slot, so the miner's
   * MULTI transactions are not refused as CROSSSLOT). False where the version refuses a prefix
   * other than one flat segment: it gets `ha`, and how it spreads keys over slots is its own.
   */
  clusterHashTag: boolean;
}

/** Keys of the relay-miner's Redis the relayer gate can wait for (names of topology's redisKeys). */
export type RelayerGateKey = "leaderLock" | "serviceFactorManifest";

export interface RelayMinerVersion {
  id: RelayMinerVersionId;
  /** What it is to the localnet. */
  role: string;
  /** The published image of the relayer and the miner (both run the same one); never a moving tag. */
  image: string;
  /** Its Go module version (a pseudo-version for a commit). */
  module: string;
  /** The pocketd (poktroll) release it is built against. */
  pocketd: string;
  redis: RedisRequirements;
  /**
   * What a relayer waits for before it starts: a miner holding the leader lock (the leader
   * publishes the block events relayers need), or, where the relayer's /ready stays 503 until the
   * miner publishes its service-factor manifest, that manifest.
   */
  relayerGate: RelayerGateKey;
  /** The version expects GOMEMLIMIT and GOMAXPROCS, or container memory and CPU limits. */
  needsResourceLimits: boolean;
  config: { relayer: ConfigRules; miner: ConfigRules };
  /** How the localnet's rendered configs were checked against this version. */
  checked: "with the real binary" | "against its documented rules only";
}

const image = (tag: string) => `ghcr.io/pokt-network/pocket-relay-miner:${tag}`;

export const relayMinerVersions: Readonly<Record<RelayMinerVersionId, RelayMinerVersion>> = {
  "v0.1.2": {
    id: "v0.1.2",
    role: "current release (the default)",
    image: image("v0.1.2"),
    module: "v0.1.2",
    pocketd: "0.1.35",
    redis: {
      minimum: { major: 8, minor: 10, patch: 0 },
      why: "both binaries refuse an older Redis at startup",
      noEviction: true,
      maxmemory: true,
      // Its base_prefix must be one flat segment ([a-zA-Z0-9_-]+), so no `{ha}` hash tag.
      clusterHashTag: false,
    },
    relayerGate: "serviceFactorManifest",
    needsResourceLimits: true,
    config: { relayer: releaseRelayerRules, miner: releaseMinerRules },
    checked: "against its documented rules only",
  },
  ad37bcb: {
    id: "ad37bcb",
    role: "pinned commit the real-binary tests run",
    // Its main-branch build is tagged with the short commit; no release image exists for it.
    image: image("ad37bcb"),
    module: "v0.0.0-20260820222003-ad37bcbd1aab",
    pocketd: "0.1.35",
    redis: { minimum: { major: 8, minor: 2, patch: 0 }, why: "the miner acknowledges relays with XACKDEL", noEviction: false, maxmemory: false, clusterHashTag: true },
    relayerGate: "leaderLock",
    needsResourceLimits: false,
    config: { relayer: pinnedRelayerRules, miner: pinnedMinerRules },
    checked: "with the real binary",
  },
};

/** The tag of an image reference (`redis:8.10.2-alpine` → `8.10.2-alpine`), or undefined without one. */
export function imageTag(ref: string): string | undefined {
  const name = ref.split("@")[0];
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  return colon === -1 ? undefined : name.slice(colon + 1);
}

/** The version an image's tag names (any registry: a mirror keeps the tag), if it names one. */
export function versionNamedByImage(ref: string): RelayMinerVersionId | undefined {
  const tag = imageTag(ref);
  return relayMinerVersionIds.find((id) => id === tag);
}

export const formatRedisVersion = (v: RedisVersion) => `${v.major}.${v.minor}.${v.patch}`;
