/**
 * CPU time and RSS of a process and its descendants, from /proc (Linux). A cluster-mode backend is
 * a primary plus workers, so both are summed over the tree. Elsewhere the numbers are NaN.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** The pid and every descendant. */
export function processTree(root: number): number[] {
  let all: Stat[];
  try {
    all = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map((d) => stat(Number(d)))
      .filter((s): s is Stat => s !== undefined);
  } catch {
    return [root];
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all)
      if (!tree.has(s.pid) && tree.has(s.ppid)) {
        tree.add(s.pid);
        grew = true;
      }
  }
  return [...tree];
}

/** CPU seconds (user + system) used so far by the tree. */
export function treeCpuSeconds(root: number): number {
  const pids = processTree(root);
  const ticks = pids.reduce((sum, pid) => sum + (stat(pid)?.cpuTicks ?? 0), 0);
  return pids.length === 0 ? NaN : ticks / TICKS_PER_SECOND;
}

/** Resident memory of the tree in MiB. */
export function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** Busy CPU seconds of one core so far (`cpuN` in /proc/stat). */
export function coreBusySeconds(core: number): number {
  try {
    const line = readFileSync("/proc/stat", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`cpu${core} `));
    const [user, nice, system, , , irq, softirq, steal] = line!.split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
