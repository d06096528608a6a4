/**
 * Starts the Docker engine and the image registry beside the real node (docker-configs.ts says
 * how they are set up). Both are processes of the node's run, so the node's teardown stops them
 * and removes their bridge, rules, mounts and cgroups with its own.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dockerBinary } from "../../../tools/docker/paths";
import { run, waitFor, type Proc } from "../support";
import { DOCKER_NETWORK, dockerdArgs, dockerdEnv, dockerIsolationRules, dockerLayout, localRegistryHosts, registryConfig } from "./docker-configs";
import { networkConflicts, sh } from "./network";

export interface NodeDocker {
  /** DOCKER_HOST for clients (the provider, the docker CLI). */
  host: string;
  /** The registry as image refs name it: `localhost:<port>` (the node pulls it as such). */
  registry: string;
  /** Environment every Docker client of the test gets: the engine's socket, a config dir of our own. */
  env: Record<string, string>;
  /** The docker CLI against this engine (throws with its output on failure). */
  cli(args: string[], opts?: { timeoutMs?: number; allowFail?: boolean }): string;
  /** `docker load` of docker-archives (the bases local builds start FROM). */
  load(archives: string[]): void;
}

export interface StartDockerOptions {
  runDir: string;
  cgroupRoot: string;
  registryPort: number;
  closedPort: number;
  /** containerd's config_path: the registry's hosts.toml goes there. */
  registryHostsDir: string;
  start: (name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) => Proc;
  timeoutMs: number;
}

function createDockerBridge(): void {
  const conflicts = networkConflicts([DOCKER_NETWORK.cidr]);
  if (conflicts.length) throw new Error(`the Docker bridge's range collides with this machine's network: ${conflicts.join("; ")}`);
  const b = DOCKER_NETWORK.bridge;
  sh("ip", ["link", "add", b, "type", "bridge"]);
  sh("ip", ["addr", "add", `${DOCKER_NETWORK.gateway}/${DOCKER_NETWORK.cidr.split("/")[1]}`, "dev", b]);
  sh("ip", ["link", "set", b, "up"]);
  sh("iptables-restore", ["--noflush"], { input: dockerIsolationRules() });
  sh("ip6tables-restore", ["--noflush"], { input: dockerIsolationRules() });
}

export async function startDocker(o: StartDockerOptions): Promise<NodeDocker> {
  for (const c of ["dockerd", "docker"]) {
    if (sh("sh", ["-c", `command -v ${c}`], { allowFail: true }).status !== 0) {
      throw new Error(`${c} is not installed: run npm run tools:build-docker (it installs Debian's docker.io)`);
    }
  }
  const l = dockerLayout(o.runDir);
  for (const d of [l.dir, l.registryRoot, join(l.clientConfigDir, "cli-plugins")]) mkdirSync(d, { recursive: true });
  // The provider builds through this plugin (exec: true); the CLI finds it in DOCKER_CONFIG.
  symlinkSync(dockerBinary("docker-buildx"), join(l.clientConfigDir, "cli-plugins", "docker-buildx"));
  createDockerBridge();

  writeFileSync(l.registryConfig, registryConfig(l, o.registryPort));
  const registry = `localhost:${o.registryPort}`;
  mkdirSync(join(o.registryHostsDir, registry), { recursive: true });
  writeFileSync(join(o.registryHostsDir, registry, "hosts.toml"), localRegistryHosts(o.registryPort));
  const registryProc = o.start("registry", dockerBinary("registry"), ["serve", l.registryConfig]);

  const dockerd = o.start("dockerd", "dockerd", dockerdArgs(l, `/${o.cgroupRoot}/docker`), dockerdEnv(o.closedPort));
  const env = { DOCKER_HOST: `unix://${l.socket}`, DOCKER_CONFIG: l.clientConfigDir };
  const cli = (args: string[], opts: { timeoutMs?: number; allowFail?: boolean } = {}) => {
    const r = run("docker", args, { env: { ...process.env, ...env }, timeoutMs: opts.timeoutMs ?? 120_000, allowFail: opts.allowFail });
    return r.stdout + (opts.allowFail ? r.stderr : "");
  };
  await waitFor(
    "dockerd",
    async () => (run("docker", ["version", "--format", "{{.Server.Version}}"], { env: { ...process.env, ...env }, allowFail: true }).status === 0 ? true : undefined),
    o.timeoutMs,
    200,
    dockerd,
  );
  await waitFor(
    `the registry on ${registry}`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${o.registryPort}/v2/`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    o.timeoutMs,
    200,
    registryProc,
  );
  return {
    host: env.DOCKER_HOST,
    registry,
    env,
    cli,
    load: (archives) => {
      for (const a of archives) cli(["load", "--quiet", "--input", a], { timeoutMs: 300_000 });
    },
  };
}
