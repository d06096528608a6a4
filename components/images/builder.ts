/**
 * Which buildx builder image builds use. The docker-build provider's own client supports only
 * builders that run BuildKit beside the engine (docker-container, kubernetes, remote) and, asked
 * for none, creates a docker-container builder: that pulls moby/buildkit and pushes from inside a
 * container, where `localhost:5001` (kind's local registry) is the container itself. The engine's
 * own builder (buildx's "docker" driver) builds and pushes from the engine, which does reach the
 * registry on the host's localhost; the provider uses it through the docker-buildx CLI plugin
 * (`exec: true`). buildx names that builder after the Docker context.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The builder of the Docker context the docker CLI would use with this environment. */
export function contextBuilder(env: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): string {
  // The CLI's order: DOCKER_HOST means the default context; then DOCKER_CONTEXT; then config.json.
  if (env.DOCKER_HOST) return "default";
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  try {
    const cfg = JSON.parse(readFile(join(env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json"))) as { currentContext?: unknown };
    return typeof cfg.currentContext === "string" && cfg.currentContext !== "" ? cfg.currentContext : "default";
  } catch {
    return "default";
  }
}
