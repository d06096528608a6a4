/**
 * npm run bench:boot: how long the default localnet takes from `pulumi up` to every pod Ready, on
 * a real node, with its images already built and imported. The node (control plane, kubelet,
 * CoreDNS) starts once and is reported on its own line; each round is a `pulumi up` from nothing
 * (the previous round destroyed), timed by phase, then a `destroy`.
 *
 *   npm run bench:boot [-- --rounds 3]
 *
 * Phases, from the start of the up: Redis Ready, validator Ready (its height gate: block 1),
 * backend Ready, Prometheus Ready, miners Ready, leader seen (the relayers' wait-for-miners
 * gate passed, kubelet timestamps: whole seconds), relayers Ready, up returned (every rollout
 * done). Miners and relayers only with a relay-miner binary (RELAYMINER_TOOLS_BIN). Needs root,
 * Debian and `npm run tools:build`; run it under the node lock like the pods tier.
 */
import { Scratch } from "../support";
import { startLocalnetNode, upTimed, type LocalnetNode } from "./localnet";

const PHASES = ["redis", "validator", "backend", "prometheus", "miner", "leader", "relayer", "up"] as const;
type Phase = (typeof PHASES)[number];
const LABELS: Record<Phase, string> = {
  redis: "Redis Ready",
  validator: "first block (validator Ready)",
  backend: "backend Ready",
  prometheus: "Prometheus Ready",
  miner: "miners Ready",
  leader: "leader seen (relayer gate)",
  relayer: "relayers Ready",
  up: "up returned (all Ready)",
};

function rounds(): number {
  const i = process.argv.indexOf("--rounds");
  const v = i >= 0 ? Number(process.argv[i + 1]) : 3;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--rounds must be a positive integer (got ${process.argv[i + 1]})`);
  return v;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1)).padStart(8);

/** When the first relayer's wait-for-miners gate (the leader lock, for the pinned commit) finished, ms after `t0` (kubelet timestamps are whole seconds). */
function leaderElectedAt(l: LocalnetNode, t0: number): number | undefined {
  const finished = l
    .pods()
    .filter((p) => p.labels["app.kubernetes.io/name"] === "relayer")
    .flatMap((p) => (p.raw.status?.initContainerStatuses ?? []) as { name: string; state?: { terminated?: { finishedAt?: string } } }[])
    .filter((c) => c.name === "wait-for-miners" && c.state?.terminated?.finishedAt)
    .map((c) => Date.parse(c.state!.terminated!.finishedAt!) - t0);
  return finished.length ? Math.min(...finished) : undefined;
}

async function main(): Promise<void> {
  const n = rounds();
  const scratch = new Scratch();
  const tStart = Date.now();
  let left: string[];
  const l = await startLocalnetNode(scratch, { stackName: "boot" });
  try {
    const t = l.node.timings;
    console.log(
      `node (excluded from the rounds): ready ${(t.totalMs / 1000).toFixed(1)} s (images imported ${(t.importMs / 1000).toFixed(1)} s, control plane ${(t.controlPlaneMs / 1000).toFixed(1)} s, node Ready ${(t.nodeReadyMs / 1000).toFixed(1)} s after kubelet start); ${((Date.now() - tStart) / 1000).toFixed(1)} s with the image builds`,
    );
    if (!l.relayMiner) console.log("NOT VERIFIED: no relay-miner binary (RELAYMINER_TOOLS_BIN): no miners or relayers in the rounds");
    const results: Partial<Record<Phase, number>>[] = [];
    for (let i = 1; i <= n; i++) {
      const t0 = Date.now();
      const { up, readyAt: ready } = await upTimed(l, t0);
      const notReady = l.pods().filter((p) => !p.ready);
      if (notReady.length) throw new Error(`round ${i}: up returned with pods not Ready: ${notReady.map((p) => p.name).join(", ")}`);
      const r: Partial<Record<Phase, number>> = { up: up.ms, leader: l.relayMiner ? leaderElectedAt(l, t0) : undefined };
      for (const p of ["redis", "validator", "backend", "prometheus", "miner", "relayer"] as const) r[p] = ready.get(p);
      results.push(r);
      console.log(`round ${i}: ${PHASES.map((p) => `${LABELS[p]} ${secs(r[p]).trim()}`).join(", ")} (s); ${JSON.stringify(up.changes)}`);
      const d = await l.destroy();
      console.log(`round ${i}: destroy ${(d.ms / 1000).toFixed(1)} s`);
    }
    console.log(`\nboot of the default localnet, ${n} rounds, seconds after pulumi up started (node and image builds excluded):`);
    console.log(`${"phase".padEnd(32)}${results.map((_, i) => `round ${i + 1}`.padStart(9)).join("")}   median`);
    for (const p of PHASES) {
      const xs = results.map((r) => r[p]);
      const have = xs.filter((x): x is number => x !== undefined);
      console.log(`${LABELS[p].padEnd(32)}${xs.map((x) => secs(x).padStart(9)).join("")} ${have.length === xs.length ? secs(median(have)) : "       -"}`);
    }
    const total = median(results.map((r) => r.up!));
    console.log(`\ngoal: every pod Ready < 60 s after images exist: median ${(total / 1000).toFixed(1)} s (${total < 60_000 ? "met" : "MISSED"})`);
  } finally {
    left = l.teardown();
    await scratch.cleanup();
  }
  console.log(`teardown: ${left.length ? `LEFT ${left.join("; ")}` : "nothing left behind"}`);
  if (left.length) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
