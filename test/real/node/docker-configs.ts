/**
 * Configuration of the Docker engine and image registry beside the real node (docker.ts starts
 * them), as pure functions of their directories and ports. They serve tests that build images
 * the way a user's `pulumi up` does (build.enabled): Debian's dockerd on a socket in the node's run
 * directory, and distribution's registry on 127.0.0.1 (kind's local registry runs the same
 * program), which the node's containerd pulls `localhost:<port>/...` from.
 *
 * Nothing leaves the machine: dockerd gets a bridge of its own where the host rejects everything
 * (no NAT, no forwarding, nothing accepted from it), build steps' DNS points at that bridge's own
 * address, and dockerd's own pulls go to a proxy on a closed loopback port. dockerd adds no
 * iptables rules (`--iptables=false`, so it never sets the FORWARD policy to DROP either) and no
 * sysctl (`--ip-forward=false`); its containers' cgroups are under the node's cgroup root, so the
 * node's teardown removes them with everything else.
 */
import { join } from "node:path";

export const DOCKER_NETWORK = {
  bridge: "rmldock0",
  cidr: "10.215.0.0/24",
  /** The bridge's own address: the gateway and DNS server build steps are given (nothing answers). */
  gateway: "10.215.0.1",
  forwardChain: "RML-DOCKER-FWD",
  inputChain: "RML-DOCKER-IN",
} as const;

export interface DockerLayout {
  dir: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  /** DOCKER_CONFIG for every client (buildx keeps its builder state there, not in ~/.docker). */
  clientConfigDir: string;
  registryRoot: string;
  registryConfig: string;
}

export function dockerLayout(runDir: string): DockerLayout {
  const dir = join(runDir, "docker");
  return {
    dir,
    socket: join(dir, "docker.sock"),
    dataRoot: join(dir, "data"),
    execRoot: join(dir, "exec"),
    pidfile: join(dir, "docker.pid"),
    clientConfigDir: join(dir, "client-config"),
    registryRoot: join(dir, "registry"),
    registryConfig: join(dir, "registry.yml"),
  };
}

/** dockerd's flags: our socket and directories, our bridge, no iptables, no forwarding, cgroupfs. */
export function dockerdArgs(l: DockerLayout, cgroupParent: string): string[] {
  return [
    `--host=unix://${l.socket}`,
    `--data-root=${l.dataRoot}`,
    `--exec-root=${l.execRoot}`,
    `--pidfile=${l.pidfile}`,
    `--bridge=${DOCKER_NETWORK.bridge}`,
    "--iptables=false",
    "--ip6tables=false",
    "--ip-masq=false",
    "--ip-forward=false",
    "--userland-proxy=false",
    `--dns=${DOCKER_NETWORK.gateway}`,
    `--cgroup-parent=${cgroupParent}`,
    "--exec-opt=native.cgroupdriver=cgroupfs",
    "--storage-driver=overlay2",
    "--log-level=warn",
  ];
}

/** dockerd's environment: every registry but loopback ones goes to a proxy that is not there. */
export function dockerdEnv(closedPort: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const proxy = `http://127.0.0.1:${closedPort}`;
  return { ...base, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, NO_PROXY: "localhost,127.0.0.1", no_proxy: "localhost,127.0.0.1" };
}

/** The registry's configuration: files under the run directory, HTTP on 127.0.0.1 only. */
export function registryConfig(l: DockerLayout, port: number): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${l.registryRoot}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "",
  ].join("\n");
}

/** containerd's hosts.toml for `localhost:<port>`: plain HTTP to the registry on loopback. */
export function localRegistryHosts(port: number): string {
  return `server = "http://127.0.0.1:${port}"\n\n[host."http://127.0.0.1:${port}"]\n  capabilities = ["pull", "resolve"]\n`;
}

/**
 * Rules for dockerd's bridge, as iptables-restore input (applied with --noflush): nothing is
 * forwarded from or to it, and the host rejects whatever arrives from it (a build step that tries
 * the network fails at once instead of waiting for a timeout).
 */
export function dockerIsolationRules(): string {
  const { bridge, forwardChain, inputChain } = DOCKER_NETWORK;
  return [
    "*filter",
    `:${forwardChain} - [0:0]`,
    `-A ${forwardChain} -i ${bridge} -j DROP`,
    `-A ${forwardChain} -o ${bridge} -j DROP`,
    `-I FORWARD 1 -j ${forwardChain}`,
    `:${inputChain} - [0:0]`,
    `-A ${inputChain} -j REJECT`,
    `-I INPUT 1 -i ${bridge} -j ${inputChain}`,
    "COMMIT",
    "",
  ].join("\n");
}
