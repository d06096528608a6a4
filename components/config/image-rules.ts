/**
 * Image reference rules: every image pinned by a tag (or digest), never `latest`. The Redis image
 * needs a tag that names its version too, or the relay-miner version's Redis minimum (rules.ts)
 * cannot be checked.
 */
import type { ConfigProblem } from "./errors";
import type { LocalnetConfig } from "./schema";
import { imageTag } from "../relay-miner/versions/versions";

const hasDigest = (ref: string) => ref.includes("@sha256:");

/** A Redis image whose version cannot be read from its tag: untagged, a bare digest, or `latest`. */
function redisTagProblem(ref: string): ConfigProblem | undefined {
  const tag = imageTag(ref);
  if (tag !== undefined && tag !== "latest") return undefined;
  const what = tag === undefined ? (hasDigest(ref) ? "a digest without a tag" : "no tag") : "the tag latest";
  return {
    key: "images.redis",
    value: ref,
    message: `has ${what}, so its Redis version cannot be checked against relayMiner.version's minimum; pin a version tag (e.g. redis:8.10.2-alpine)`,
  };
}

/** Every image pinned: a tag or a digest, and not `latest` (a second `up` would not see it move). */
export function imagesPinned(c: LocalnetConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [name, ref] of Object.entries(c.images)) {
    if (name === "redis") continue;
    const tag = imageTag(ref);
    if (tag === undefined && !hasDigest(ref))
      out.push({ key: `images.${name}`, value: ref, message: `has no tag; pin one (e.g. ${ref}:1.2.3) so every \`up\` deploys the same image` });
    else if (tag === "latest") out.push({ key: `images.${name}`, value: ref, message: "uses the tag latest, which moves without `pulumi up` noticing; pin a version tag" });
  }
  const redis = c.redis.enabled ? redisTagProblem(c.images.redis) : undefined;
  return redis ? [...out, redis] : out;
}
