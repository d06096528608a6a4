/**
 * Takes a real node run down and puts the machine back as it was, synchronously (so it also works
 * from an exit or signal handler), and from a record on disk (so a run whose test process was
 * killed is cleaned by the next one). Every step is best effort and the next one runs anyway; the
 * caller checks the result with host-state.ts's leftovers().
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeIptablesSave, mountPoints, processesMentioning, watchedFiles, type HostState } from "./host-state";
import { NODE_NETWORK, sh } from "./network";
import { DOCKER_NETWORK } from "./docker-configs";

/** Where the record of the running node lives (tmpfs: gone after a reboot, as the node is). */
export const NODE_STATE_FILE = "/run/relayminer-localnet-node.json";

export interface NodeRunState {
  /** The test process that owns the node. */
  ownerPid: number;
  runDir: string;
  /** Name of the cgroup the kubelet puts every pod under, in each hierarchy. */
  cgroupRoot: string;
  containerdSocket: string;
  crictl: string;
  before: HostState;
  /** Our processes (each leads its own process group). */
  pids: number[];
}

export function writeNodeState(s: NodeRunState): void {
  writeFileSync(NODE_STATE_FILE, JSON.stringify(s), { mode: 0o600 });
}

export function readNodeState(): NodeRunState | undefined {
  try {
    return JSON.parse(readFileSync(NODE_STATE_FILE, "utf8")) as NodeRunState;
  } catch {
    return undefined;
  }
}

/** The process exists and has not exited (a zombie our own blocked event loop has not reaped yet counts as exited). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** SIGTERM each group, SIGKILL what is left after `graceMs`; pids not naming runDir are skipped (reused). */
function stopProcesses(pids: number[], runDir: string, graceMs: number): void {
  const ours = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(runDir);
    } catch {
      return false;
    }
  };
  const live = pids.filter((p) => alive(p) && ours(p));
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  for (const p of live) signal(p, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (live.some(alive) && Date.now() < deadline) sleep(100);
  for (const p of live.filter(alive)) {
    if (process.env.RML_NODE_DEBUG) process.stderr.write(`teardown: SIGKILL ${p}\n`);
    signal(p, "SIGKILL");
  }
  while (live.some(alive) && Date.now() < deadline + 5000) sleep(50);
}

/** Stops and removes every pod sandbox through the CRI, so the CNI plugins release addresses and netns. */
function removeSandboxes(s: NodeRunState, log: string[]): void {
  if (!existsSync(s.containerdSocket)) return;
  const cri = ["--runtime-endpoint", `unix://${s.containerdSocket}`, "--image-endpoint", `unix://${s.containerdSocket}`, "--timeout", "20s"];
  const pods = sh(s.crictl, [...cri, "pods", "-q"], { allowFail: true, timeoutMs: 30_000 });
  for (const id of pods.out
    .split("\n")
    .map((x) => x.trim())
    .filter(Boolean)) {
    const stop = sh(s.crictl, [...cri, "stopp", id], { allowFail: true, timeoutMs: 40_000 });
    const rm = sh(s.crictl, [...cri, "rmp", "--force", id], { allowFail: true, timeoutMs: 40_000 });
    if (stop.status !== 0 || rm.status !== 0) log.push(`pod sandbox ${id}: ${stop.err || rm.err}`.trim());
  }
}

/** Kills what is still in the node's cgroups (containers whose shim died) and removes them. */
function removeCgroups(cgroupRoot: string, log: string[]): void {
  const roots = readdirSync("/sys/fs/cgroup")
    .map((h) => join("/sys/fs/cgroup", h, cgroupRoot))
    .filter((d) => existsSync(d));
  const depthFirst = (dir: string): string[] => {
    const subs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
    return [...subs.flatMap(depthFirst), dir];
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    let remaining = 0;
    for (const root of roots.filter((r) => existsSync(r))) {
      for (const d of depthFirst(root)) {
        try {
          for (const pid of readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
            try {
              process.kill(Number(pid), "SIGKILL");
            } catch {
              /* gone */
            }
          }
        } catch {
          /* no procs file */
        }
        try {
          rmdirSync(d);
        } catch {
          remaining++;
        }
      }
    }
    if (remaining === 0) return;
    sleep(100);
  }
  for (const r of roots.filter((x) => existsSync(x))) log.push(`cgroup ${r} could not be removed`);
}

/** Unmounts everything under the run directory (deepest first), lazily when busy. */
function unmountUnder(runDir: string, log: string[]): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    const ours = mountPoints()
      .filter((m) => m === runDir || m.startsWith(`${runDir}/`))
      .sort((a, b) => b.length - a.length);
    if (ours.length === 0) return;
    for (const m of ours) if (sh("umount", [m], { allowFail: true }).status !== 0) sh("umount", ["-l", m], { allowFail: true });
  }
  const rest = mountPoints().filter((m) => m.startsWith(`${runDir}/`));
  if (rest.length) log.push(`mounts left: ${rest.join(", ")}`);
}

/**
 * iptables-restore input that removes what appeared since `before` and belongs to the node:
 * rules in pre-existing chains that jump to a new chain or name the pod bridge, then the new
 * chains of kube-proxy, the kubelet, CNI and ours (KUBE-*, CNI-*, RML-*), flushed and deleted.
 */
export function iptablesCleanup(before: string[], nowText: string): string {
  const now = normalizeIptablesSave(nowText);
  const had = new Set(before);
  const ourChain = (c: string) => /^(KUBE-|CNI-|RML-)/.test(c);
  const tables = new Map<string, { del: string[]; chains: string[] }>();
  const entry = (t: string) => tables.get(t) ?? tables.set(t, { del: [], chains: [] }).get(t)!;
  const newChains = new Set<string>();
  for (const l of now) {
    const [table, rest] = [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)];
    if (rest.startsWith(":") && !had.has(l) && ourChain(rest.slice(1))) {
      newChains.add(`${table} ${rest.slice(1)}`);
      entry(table).chains.push(rest.slice(1));
    }
  }
  for (const l of now) {
    if (had.has(l)) continue;
    const table = l.slice(0, l.indexOf(" "));
    const rule = l.slice(l.indexOf(" ") + 1);
    const m = /^-A (\S+) (.*)$/.exec(rule);
    if (!m || newChains.has(`${table} ${m[1]}`)) continue;
    const target = /-j (\S+)/.exec(m[2])?.[1] ?? "";
    if (newChains.has(`${table} ${target}`) || m[2].includes(NODE_NETWORK.bridge)) entry(table).del.push(`-D ${m[1]} ${m[2]}`);
  }
  let out = "";
  for (const [table, { del, chains }] of tables) {
    if (!del.length && !chains.length) continue;
    out += [`*${table}`, ...del, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), "COMMIT", ""].join("\n");
  }
  return out;
}

function restoreIptables(before: HostState, log: string[]): void {
  for (const [family, save, restore] of [
    [4, "iptables-save", "iptables-restore"],
    [6, "ip6tables-save", "ip6tables-restore"],
  ] as const) {
    const now = sh(save, [], { allowFail: true });
    if (now.status !== 0) continue;
    const input = iptablesCleanup(family === 4 ? before.iptables.v4 : before.iptables.v6, now.out);
    if (!input) continue;
    const r = sh(restore, ["--noflush"], { input, allowFail: true });
    if (r.status !== 0) log.push(`${restore}: ${r.err.trim()}`);
  }
}

/**
 * iptables-nft creates a table (with its built-in chains) on first use; one that did not exist
 * before the run and holds no rule now is deleted again, so the ruleset is as it was.
 */
function removeEmptyNewTables(before: HostState, log: string[]): void {
  if (sh("sh", ["-c", "command -v nft"], { allowFail: true }).status !== 0) return;
  const had = new Set(before.nftTables);
  const now = sh("nft", ["list", "tables"], { allowFail: true })
    .out.split("\n")
    .map((l) => l.replace(/^table\s+/, "").trim())
    .filter(Boolean);
  for (const t of now) {
    const [family, name] = t.split(/\s+/);
    if (had.has(t) || (family !== "ip" && family !== "ip6")) continue;
    const save = sh(family === "ip" ? "iptables-save" : "ip6tables-save", ["-t", name], { allowFail: true });
    const lines = normalizeIptablesSave(save.out);
    const builtin = /^\S+ :(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)$/;
    if (save.status !== 0 || lines.some((l) => !builtin.test(l))) continue;
    const r = sh("nft", ["delete", "table", family, name], { allowFail: true });
    if (r.status !== 0) log.push(`nft delete table ${t}: ${r.err.trim()}`);
  }
}

/** The pod bridge and Docker's, with the veths attached to them, when the run created them. */
function removeLinks(before: HostState, log: string[]): void {
  const had = new Set(before.links);
  const bridges: string[] = [NODE_NETWORK.bridge, DOCKER_NETWORK.bridge];
  const links = JSON.parse(sh("ip", ["-j", "link"]).out) as { ifname: string; master?: string }[];
  for (const l of links) {
    if (had.has(l.ifname)) continue;
    if (l.master && bridges.includes(l.master)) sh("ip", ["link", "del", l.ifname], { allowFail: true });
  }
  for (const b of bridges) {
    if (!links.some((l) => l.ifname === b) || had.has(b)) continue;
    const r = sh("ip", ["link", "del", b], { allowFail: true });
    if (r.status !== 0) log.push(`ip link del ${b}: ${r.err.trim()}`);
  }
}

function removeNetns(before: HostState): void {
  if (!existsSync("/run/netns")) return;
  const had = new Set(before.netns);
  for (const n of readdirSync("/run/netns")) {
    if (had.has(n) || !n.startsWith("cni-")) continue;
    const p = join("/run/netns", n);
    sh("umount", [p], { allowFail: true });
    try {
      unlinkSync(p);
    } catch {
      /* busy or gone */
    }
  }
}

/** Removes what appeared in the watched trees during the run (deepest first), nothing that was there. */
function removeNewFiles(before: HostState): void {
  const had = new Set(before.files);
  for (const p of watchedFiles().reverse()) {
    if (had.has(p)) continue;
    try {
      if (lstatSync(p).isDirectory()) rmSync(p, { recursive: true, force: true });
      else unlinkSync(p);
    } catch {
      /* gone with its parent */
    }
  }
}

function restoreSysctls(before: HostState, log: string[]): void {
  for (const [k, v] of Object.entries(before.sysctls)) {
    const path = join("/proc/sys", k);
    try {
      if (readFileSync(path, "utf8").trim() !== v) writeFileSync(path, `${v}\n`);
    } catch (e) {
      log.push(`sysctl ${k}: ${(e as Error).message}`);
    }
  }
}

/**
 * Puts the machine back: the kubelet first (so it restarts nothing), pods through the CRI, the
 * other processes, shims and container processes, cgroups, mounts, netns, links, iptables rules,
 * CNI files, sysctls, then the run directory. Returns what went wrong (empty when all worked).
 */
export function teardownNode(s: NodeRunState, opts: { keepRunDir?: boolean } = {}): TeardownResult {
  const problems: string[] = [];
  const stepsMs: Record<string, number> = {};
  const step = (name: string, fn: () => void) => {
    const t = Date.now();
    try {
      fn();
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
    stepsMs[name] = Date.now() - t;
  };
  const kubelet = s.pids.filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0].endsWith("/kubelet");
    } catch {
      return false;
    }
  });
  step("stop kubelet", () => stopProcesses(kubelet, s.runDir, 10_000));
  step("remove pod sandboxes", () => removeSandboxes(s, problems));
  // kube-apiserver drains for longer than a throw-away cluster is worth: 3 s, then SIGKILL.
  step("stop processes", () => stopProcesses(s.pids, s.runDir, 3_000));
  // Shims outlive containerd (they run in their own sessions); they name its socket.
  step("stop shims", () =>
    stopProcesses(
      processesMentioning(s.runDir).map((p) => p.pid),
      s.runDir,
      5_000,
    ),
  );
  step("remove cgroups", () => removeCgroups(s.cgroupRoot, problems));
  step("unmount", () => unmountUnder(s.runDir, problems));
  step("remove netns", () => removeNetns(s.before));
  step("remove links", () => removeLinks(s.before, problems));
  step("restore iptables", () => restoreIptables(s.before, problems));
  step("remove new empty tables", () => removeEmptyNewTables(s.before, problems));
  step("remove files", () => removeNewFiles(s.before));
  step("restore sysctls", () => restoreSysctls(s.before, problems));
  if (!opts.keepRunDir) step("remove run dir", () => rmSync(s.runDir, { recursive: true, force: true }));
  step("remove state file", () => {
    const cur = readNodeState();
    if (cur && cur.runDir === s.runDir) unlinkSync(NODE_STATE_FILE);
  });
  return { problems, stepsMs };
}

export interface TeardownResult {
  /** What went wrong (empty when every step worked). */
  problems: string[];
  /** How long each step took. */
  stepsMs: Record<string, number>;
}
