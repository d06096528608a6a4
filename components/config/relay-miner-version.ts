/**
 * Settles which relay-miner the stack runs, from `relayMiner.version` and `images.relayMiner`:
 *
 * - neither set: the current release and its image;
 * - the version set: that version's image, unless images.relayMiner names another (a mirror or a
 *   local build of it);
 * - only the image set: the version its tag names (`…:v0.1.2`, `…:ad37bcb`); a tag that names none
 *   (a local build) must say which version's rules apply, through relayMiner.version;
 * - build.relayminerSource: the image is built from a checkout, so the version must be said.
 *
 * The version is never guessed where it cannot be read, because it decides what Redis the stack
 * needs, which keys the relay-miner's `validate` accepts and what a relayer waits for.
 */
import type { ConfigProblem } from "./errors";
import type { LocalnetConfig, ParsedConfig } from "./schema";
import { currentRelease, imageTag, relayMinerVersionIds, relayMinerVersions, versionNamedByImage } from "../relay-miner/versions/versions";

/** Tags the relay-miner's own release workflow moves on every push or release. */
const movingTags = ["latest", "rc", "dev"];

const knownVersions = relayMinerVersionIds.join(", ");

export function settleRelayMiner(c: ParsedConfig): { config: LocalnetConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const chosen = c.relayMiner.version;
  const configured = c.images.relayMiner;
  const named = configured === undefined ? undefined : versionNamedByImage(configured);
  const source = c.build.relayminerSource;

  const tag = configured === undefined ? undefined : imageTag(configured);
  if (configured !== undefined && tag !== undefined && movingTags.includes(tag)) {
    problems.push({
      key: "images.relayMiner",
      value: configured,
      message: `uses the moving tag ${tag}: relayer and miner must run one fixed version; pin a version tag, e.g. ${relayMinerVersions[currentRelease].image}`,
    });
  }
  if (chosen !== undefined && named !== undefined && named !== chosen) {
    problems.push({
      key: "relayMiner.version",
      value: chosen,
      message: `disagrees with images.relayMiner = ${configured}, which is relay-miner ${named}; set relayMiner.version = ${named}, or unset images.relayMiner to deploy ${relayMinerVersions[chosen].image}`,
    });
  }
  if (chosen === undefined && source !== undefined) {
    problems.push({
      key: "relayMiner.version",
      message: `must be set with build.relayminerSource = ${source}: say which version that checkout is (one of ${knownVersions}), so its config rules, Redis minimum and start-up gate apply`,
    });
  } else if (chosen === undefined && configured !== undefined && named === undefined && !movingTags.includes(tag ?? "")) {
    problems.push({
      key: "images.relayMiner",
      value: configured,
      message: `its tag names no relay-miner version the localnet knows (${knownVersions}); set relayMiner.version to the version this image was built from, so its config rules, Redis minimum and start-up gate apply`,
    });
  }

  const version = chosen ?? named ?? currentRelease;
  const config: LocalnetConfig = {
    ...c,
    images: { ...c.images, relayMiner: configured ?? relayMinerVersions[version].image },
    relayMiner: { version },
  };
  return { config, problems };
}
