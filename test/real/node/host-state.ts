/**
 * What a real node run may change on this machine, captured before it starts and compared after
 * teardown: processes, mounts, network links and namespaces, iptables rules (both families),
 * cgroups, CNI state files and the sysctls the kubelet and kube-proxy are known to write.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { sh } from "./network";

/** Sysctls the kubelet sets at start (kernel tunables) or kube-proxy may set, and forwarding. */
export const WATCHED_SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/forwarding",
  "net/ipv4/conf/all/route_localnet",
  "net/ipv6/conf/all/forwarding",
  "net/bridge/bridge-nf-call-iptables",
  "net/bridge/bridge-nf-call-ip6tables",
  "net/netfilter/nf_conntrack_max",
  "net/netfilter/nf_conntrack_tcp_timeout_established",
  "net/netfilter/nf_conntrack_tcp_timeout_close_wait",
] as const;

/**
 * Places the node's programs write to whatever their configuration says (hard-coded paths):
 * containerd's shim sockets and runc state under /run/containerd, the kubelet's device-plugin
 * directory, the container log links in /var/log/containers, CNI caches under /var/lib/cni;
 * dockerd's plugin directory in /run/docker, its key in /etc/docker, runc's default root.
 */
export const WATCHED_TREES: readonly { dir: string; depth: number }[] = [
  { dir: "/run/containerd", depth: 4 },
  { dir: "/var/lib/kubelet", depth: 3 },
  { dir: "/var/log/containers", depth: 1 },
  { dir: "/var/log/pods", depth: 2 },
  { dir: "/var/lib/cni", depth: 4 },
  { dir: "/var/lib/containerd", depth: 1 },
  { dir: "/etc/cni", depth: 2 },
  { dir: "/opt/cni", depth: 2 },
  { dir: "/etc/kubernetes", depth: 2 },
  { dir: "/run/docker", depth: 2 },
  { dir: "/etc/docker", depth: 1 },
  { dir: "/var/lib/docker", depth: 1 },
  { dir: "/run/runc", depth: 2 },
];

export interface HostState {
  iptables: { v4: string[]; v6: string[] };
  /** nftables tables (`ip filter`, …), where the nft command exists. */
  nftTables: string[];
  links: string[];
  mounts: string[];
  netns: string[];
  cgroups: string[];
  /** Entries of WATCHED_TREES (each tree's own directory included when it exists). */
  files: string[];
  sysctls: Record<string, string>;
}

/** iptables-save output as `*table` / `:chain` / `-A …` lines, counters and comments dropped. */
export function normalizeIptablesSave(text: string): string[] {
  const out: string[] = [];
  let table = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line === "COMMIT") continue;
    if (line.startsWith("*")) {
      table = line.slice(1);
      continue;
    }
    if (line.startsWith(":")) {
      out.push(`${table} :${line.slice(1).split(" ")[0]}`);
      continue;
    }
    out.push(`${table} ${line}`);
  }
  return out;
}

function iptablesLines(family: 4 | 6): string[] {
  const r = sh(family === 4 ? "iptables-save" : "ip6tables-save", [], { allowFail: true });
  return r.status === 0 ? normalizeIptablesSave(r.out) : [];
}

function listTree(dir: string, depth: number): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory() && depth > 1) out.push(...listTree(p, depth - 1));
  }
  return out;
}

export function watchedFiles(): string[] {
  return WATCHED_TREES.flatMap(({ dir, depth }) => (existsSync(dir) ? [dir, ...listTree(dir, depth)] : [])).sort();
}

function cgroupDirs(): string[] {
  const out: string[] = [];
  for (const h of readdirSync("/sys/fs/cgroup")) {
    const root = join("/sys/fs/cgroup", h);
    try {
      if (!statSync(root).isDirectory()) continue;
      for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) out.push(join(root, e.name));
    } catch {
      /* not readable */
    }
  }
  return out.sort();
}

function nftTables(): string[] {
  const r = sh("nft", ["list", "tables"], { allowFail: true });
  return r.status === 0
    ? r.out
        .split("\n")
        .map((l) => l.replace(/^table\s+/, "").trim())
        .filter(Boolean)
        .sort()
    : [];
}

export function readSysctls(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of WATCHED_SYSCTLS) {
    try {
      out[k] = readFileSync(join("/proc/sys", k), "utf8").trim();
    } catch {
      /* not on this kernel */
    }
  }
  return out;
}

export function mountPoints(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[4]);
}

export function captureHostState(): HostState {
  const links = (JSON.parse(sh("ip", ["-j", "link"]).out) as { ifname: string }[]).map((l) => l.ifname).sort();
  return {
    iptables: { v4: iptablesLines(4), v6: iptablesLines(6) },
    nftTables: nftTables(),
    links,
    mounts: mountPoints().sort(),
    netns: existsSync("/run/netns") ? readdirSync("/run/netns").sort() : [],
    cgroups: cgroupDirs(),
    files: watchedFiles(),
    sysctls: readSysctls(),
  };
}

/** Processes whose command line or working directory names `marker` (a run directory). */
export function processesMentioning(marker: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${e}/cwd`);
      } catch {
        /* gone or kernel thread */
      }
      if (cmd.includes(marker) || cwd.startsWith(marker)) out.push({ pid: Number(e), cmd: cmd.slice(0, 200) });
    } catch {
      /* exited */
    }
  }
  return out;
}

const added = (before: string[], after: string[]) => {
  const b = new Set(before);
  return after.filter((x) => !b.has(x));
};

/** Everything the run left behind (empty when teardown was clean), one line each. */
export function leftovers(before: HostState, after: HostState, runDir: string, cgroupRoot: string): string[] {
  const out: string[] = [];
  for (const p of processesMentioning(runDir)) out.push(`process ${p.pid}: ${p.cmd}`);
  for (const m of added(before.mounts, after.mounts)) out.push(`mount ${m}`);
  for (const m of after.mounts.filter((m) => m.startsWith(runDir))) if (!out.includes(`mount ${m}`)) out.push(`mount ${m}`);
  for (const l of added(before.links, after.links)) out.push(`network link ${l}`);
  for (const n of added(before.netns, after.netns)) out.push(`netns ${n}`);
  for (const r of added(before.iptables.v4, after.iptables.v4)) out.push(`iptables ${r}`);
  for (const r of added(before.iptables.v6, after.iptables.v6)) out.push(`ip6tables ${r}`);
  for (const r of added(after.iptables.v4, before.iptables.v4)) out.push(`iptables rule removed: ${r}`);
  for (const t of added(before.nftTables, after.nftTables)) out.push(`nftables table ${t}`);
  for (const c of added(before.cgroups, after.cgroups)) out.push(`cgroup ${c}`);
  for (const c of after.cgroups.filter((c) => c.endsWith(`/${cgroupRoot}`))) if (!out.includes(`cgroup ${c}`)) out.push(`cgroup ${c}`);
  for (const f of added(before.files, after.files)) out.push(`file ${f}`);
  for (const [k, v] of Object.entries(before.sysctls)) if (after.sysctls[k] !== v) out.push(`sysctl ${k} = ${after.sysctls[k]} (was ${v})`);
  if (existsSync(runDir)) out.push(`directory ${runDir}`);
  return out;
}
