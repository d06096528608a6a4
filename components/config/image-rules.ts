/**
 * Image reference rules: every image pinned by a tag (or digest), never `latest`, and the Redis
 * image new enough for the relay-miner. The Redis minimum is an argument so a relay-miner version
 * table can pass its own.
 */
import type { ConfigProblem } from "./errors";
import type { LocalnetConfig } from "./schema";

export interface RedisVersion {
  major: number;
  minor: number;
}

/** The tag of an image reference (`redis:8.4-alpine` → `8.4-alpine`), or undefined when it has none. */
export function tagOf(ref: string): string | undefined {
  const noDigest = ref.split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? undefined : noDigest.slice(colon + 1);
}

const hasDigest = (ref: string) => ref.includes("@sha256:");

/**
 * Problem of a Redis image against a minimum version. A tag that names a version is compared; an
 * untagged ref, a bare digest or `latest` cannot be checked, so it is refused with what to pin
 * instead; other tags without a version (a custom `edge` build) are trusted.
 */
export function redisVersionProblem(ref: string, minimum: RedisVersion, key = "images.redis"): ConfigProblem | undefined {
  const want = `${minimum.major}.${minimum.minor}`;
  const example = "e.g. redis:8.4-alpine";
  const tag = tagOf(ref);
  if (tag === undefined || tag === "latest") {
    const what = tag === undefined ? (hasDigest(ref) ? "a digest without a tag" : "no tag") : "the tag latest";
    return { key, value: ref, message: `has ${what}, so its Redis version cannot be checked; pin a tag of Redis ${want} or newer (${example})` };
  }
  const version = /^v?(\d+)\.(\d+)/.exec(tag);
  if (!version) return undefined;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major > minimum.major || (major === minimum.major && minor >= minimum.minor)) return undefined;
  return { key, value: ref, message: `must be Redis ${want} or newer (the miner acknowledges relays with XACKDEL); ${example}` };
}

/** Redis 8.2 brought XACKDEL, which the pinned relay-miner's miner uses. */
export const pinnedRedisMinimum: RedisVersion = { major: 8, minor: 2 };

/** Every image pinned: a tag or a digest, and not `latest` (a second `up` would not see it move). */
export function imagesPinned(c: LocalnetConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [name, ref] of Object.entries(c.images)) {
    if (name === "redis") continue;
    const tag = tagOf(ref);
    if (tag === undefined && !hasDigest(ref))
      out.push({ key: `images.${name}`, value: ref, message: `has no tag; pin one (e.g. ${ref}:1.2.3) so every \`up\` deploys the same image` });
    else if (tag === "latest") out.push({ key: `images.${name}`, value: ref, message: "uses the tag latest, which moves without `pulumi up` noticing; pin a version tag" });
  }
  if (c.redis.enabled) {
    const p = redisVersionProblem(c.images.redis, pinnedRedisMinimum);
    if (p) out.push(p);
  }
  return out;
}
