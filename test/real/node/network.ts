/**
 * The real node's network: one Linux bridge for the pods, private pod and Service ranges, and the
 * rules that keep pods on this machine (no masquerade, no default route, nothing forwarded from
 * the bridge to another interface, only DNS accepted from pods to the host).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const NODE_NETWORK = {
  bridge: "rmlpods0",
  podCidr: "10.213.0.0/16",
  /** The bridge's own address: gateway of the pods and the node's IP. */
  nodeIp: "10.213.0.1",
  serviceCidr: "10.214.0.0/16",
  dnsServiceIp: "10.214.0.10",
  /** Chains of our own isolation rules (filter table). */
  forwardChain: "RML-NODE-FWD",
  inputChain: "RML-NODE-IN",
} as const;

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): { status: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", input: opts.input, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
  const res = { status: r.status ?? -1, out: r.stdout ?? "", err: (r.stderr ?? "") + (r.error ? r.error.message : "") };
  if (!opts.allowFail && res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (status ${res.status}): ${res.err || res.out}`);
  return res;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}

/** [first, last] address of an IPv4 CIDR. */
export function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits ?? 32));
  const first = Math.floor(ipToInt(ip) / size) * size;
  return [first, first + size - 1];
}

export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
}

/**
 * What on this machine the pod or Service range would collide with: interface addresses, routes
 * (but the default route, which covers everything) and the resolvers in /etc/resolv.conf.
 */
export function networkConflicts(ranges: string[] = [NODE_NETWORK.podCidr, NODE_NETWORK.serviceCidr]): string[] {
  const taken: { what: string; cidr: string }[] = [];
  for (const link of JSON.parse(sh("ip", ["-j", "-4", "addr"]).out) as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[]) {
    if (link.ifname === NODE_NETWORK.bridge) continue;
    for (const a of link.addr_info ?? []) taken.push({ what: `address ${a.local}/${a.prefixlen} on ${link.ifname}`, cidr: `${a.local}/${a.prefixlen}` });
  }
  for (const r of JSON.parse(sh("ip", ["-j", "-4", "route", "show", "table", "all"]).out) as { dst: string; dev?: string; type?: string }[]) {
    if (r.dst === "default" || r.dev === NODE_NETWORK.bridge || !/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(r.dst)) continue;
    if (r.type === "local" || r.type === "broadcast") continue;
    taken.push({ what: `route ${r.dst}${r.dev ? ` dev ${r.dev}` : ""}`, cidr: r.dst.includes("/") ? r.dst : `${r.dst}/32` });
  }
  for (const m of readFileSync("/etc/resolv.conf", "utf8").matchAll(/^nameserver\s+(\d+\.\d+\.\d+\.\d+)/gm)) {
    taken.push({ what: `resolver ${m[1]}`, cidr: `${m[1]}/32` });
  }
  const out: string[] = [];
  for (const range of ranges) for (const t of taken) if (overlaps(range, t.cidr)) out.push(`${range} overlaps ${t.what}`);
  return out;
}

/** The bridge, up, with the node's address (the kubelet needs that address before it starts). */
export function createBridge(): void {
  const b = NODE_NETWORK.bridge;
  sh("ip", ["link", "add", b, "type", "bridge"]);
  sh("ip", ["addr", "add", `${NODE_NETWORK.nodeIp}/16`, "dev", b]);
  sh("ip", ["link", "set", b, "up"]);
}

/**
 * Isolation rules, as iptables-restore input (applied with --noflush, so nothing else changes):
 * bridge-to-bridge traffic is accepted (a FORWARD policy of DROP, as Docker sets, would block it),
 * anything else forwarded from or to the bridge is dropped, and pods may reach the host only on
 * the DNS port (CoreDNS) and with replies to the host's own connections (probes, port-forward).
 */
export function isolationRules(dnsPort: number, family: 4 | 6): string {
  const { bridge, forwardChain, inputChain } = NODE_NETWORK;
  const lines = [
    "*filter",
    `:${forwardChain} - [0:0]`,
    `-A ${forwardChain} -i ${bridge} -o ${bridge} -j ACCEPT`,
    `-A ${forwardChain} -i ${bridge} -j DROP`,
    `-A ${forwardChain} -o ${bridge} -j DROP`,
    `-I FORWARD 1 -j ${forwardChain}`,
  ];
  if (family === 4) {
    lines.push(
      `:${inputChain} - [0:0]`,
      `-A ${inputChain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      `-A ${inputChain} -p udp --dport ${dnsPort} -j ACCEPT`,
      `-A ${inputChain} -p tcp --dport ${dnsPort} -j ACCEPT`,
      `-A ${inputChain} -j DROP`,
      `-I INPUT 1 -i ${bridge} -j ${inputChain}`,
    );
  } else {
    lines.push(`-I INPUT 1 -i ${bridge} -j DROP`);
  }
  lines.push("COMMIT", "");
  return lines.join("\n");
}

export function applyIsolation(dnsPort: number): void {
  sh("iptables-restore", ["--noflush"], { input: isolationRules(dnsPort, 4) });
  sh("ip6tables-restore", ["--noflush"], { input: isolationRules(dnsPort, 6) });
}

/** The CNI network: a bridge with host-local addresses, routes only to the pod and Service ranges. */
export function cniConflist(ipamDataDir: string): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: "rml-pods",
      plugins: [
        {
          type: "bridge",
          bridge: NODE_NETWORK.bridge,
          isGateway: true,
          isDefaultGateway: false,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: NODE_NETWORK.podCidr, gateway: NODE_NETWORK.nodeIp }]],
            routes: [{ dst: NODE_NETWORK.serviceCidr }],
            dataDir: ipamDataDir,
          },
        },
      ],
    },
    null,
    2,
  );
}
