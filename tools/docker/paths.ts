// Where tools/docker/build.sh puts the registry, the docker-build provider and the buildx plugin: keyed like that
// script keys them, by tools/docker/versions.env. $RELAYMINER_DOCKER_DIR moves the root.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { cachedBinDir } from "../paths";

export const DOCKER_TOOL_BINARIES = ["registry", "pulumi-resource-docker-build", "docker-buildx"] as const;
export type DockerToolBinary = (typeof DOCKER_TOOL_BINARIES)[number];

export function dockerToolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return cachedBinDir(join(__dirname, "versions.env"), "docker", "RELAYMINER_DOCKER_DIR", env);
}

/** Path of one of these binaries; throws with the fix when it has not been built. */
export function dockerBinary(name: DockerToolBinary): string {
  const p = join(dockerToolsBinDir(), name);
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(`${name} is not built (looked for ${p}): run npm run tools:build-docker`);
  }
  return p;
}
