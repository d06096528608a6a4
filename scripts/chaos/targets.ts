/**
 * What a chaos action aims at, from what Redis and the API server say (pure, so it is tested
 * without a cluster): the pod and PID behind a miner instance id, and the Redis primary that
 * serves a slot.
 */

/** `<hostname>-<pid>` → the pod (a StatefulSet pod's hostname is its name) and the PID inside it. */
export function processOfInstance(instanceId: string, podNames: readonly string[]): { pod: string; pid: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(instanceId);
  if (!m || !podNames.includes(m[1])) return undefined;
  return { pod: m[1], pid: Number(m[2]) };
}

export interface ClusterNode {
  id: string;
  ip: string;
  port: number;
  flags: string[];
  /** For a replica: the id of its primary. */
  primaryId?: string;
  slots: [number, number][];
}

/** `CLUSTER NODES` output: `<id> <ip:port@bus[,host]> <flags> <primary|-> <ping> <pong> <epoch> <link> <slots…>`. */
export function parseClusterNodes(text: string): ClusterNode[] {
  const out: ClusterNode[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const addr = /^([^:@,]*):(\d+)@/.exec(f[1]);
    if (!addr) continue;
    const slots = f
      .slice(8)
      .filter((s) => /^\d+(-\d+)?$/.test(s))
      .map((s): [number, number] => {
        const [a, b] = s.split("-").map(Number) as [number, number?];
        return [a, b ?? a];
      });
    out.push({ id: f[0], ip: addr[1], port: Number(addr[2]), flags: f[2].split(","), ...(f[3] !== "-" ? { primaryId: f[3] } : {}), slots });
  }
  return out;
}

/** The healthy primary that serves `slot`, if any. */
export function primaryOfSlot(nodes: readonly ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.flags.includes("master") && !n.flags.some((f) => f === "fail" || f === "fail?") && n.slots.some(([a, b]) => slot >= a && slot <= b));
}

/** A pod came back: a container restart or a new pod, and Ready. */
export interface PodState {
  name: string;
  uid: string;
  ready: boolean;
  restarts: number;
  ip?: string;
}

export function recovered(before: PodState, now: PodState | undefined): boolean {
  return now !== undefined && now.ready && (now.uid !== before.uid || now.restarts > before.restarts);
}
