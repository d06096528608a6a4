/**
 * npm run bench:reload: edit-to-running for the backend, on a real node with a real Docker engine
 * and registry (loop.ts). Each round changes one line of the backend's source (the header
 * MARK_HEADER) and runs the operation the Tiltfile runs (`pulumi up --yes --skip-preview`, here
 * through the Automation API: the same engine operation, without the language host binary the
 * module proxy refuses), and times it until every backend pod answers with the new header.
 *
 *   npm run bench:reload [-- --rounds 3 --replicas 1]
 *
 * Prints a phase table per round and the medians. Phases, from the edit:
 *   to build    from the edit to the image step's start (program run, plugins started, diff)
 *   build+push  the docker-build Image step: one buildx run with --push, so the engine's events
 *               do not split build from push
 *   rollout     from the Deployment update step's start to every serving pod answering with the
 *               edit (the provider returns once the controller saw the spec; the program waits)
 *   up          the whole `pulumi up`
 *   first new   the first answer carrying the new header (any pod)
 *   all new     every serving backend pod (Ready, not being deleted) answers with it
 * Needs root, Debian and `npm run tools:build` (docker tools included).
 *
 * The relayer loop (after the backend's): with RELAYMINER_SOURCE=<a pocket-relay-miner checkout>
 * (and RELAYMINER_TOOLS_BIN with its binary, for the base image), the bench copies the checkout,
 * deploys a relayer and a miner built with build.relayminerBuild = host, and each round edits the
 * relayer's start-up log line; it times until every serving relayer pod logged the edit. Phases:
 *   to build    edit to the image step's start: program run and the host `go build`
 *   build+push  the docker-build Image step (the binary layered on images.relayMiner)
 *   rollout     the relayer StatefulSet step's start to every serving relayer pod running the edit
 * Without RELAYMINER_SOURCE that part prints NOT VERIFIED and why.
 */
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { Scratch } from "../support";
import { relayMinerBinary } from "../../../tools/images/sources";
import { MARK_HEADER, setRelayerMark, startReloadLoop, type BackendPod, type ReloadLoop, type UpRecord } from "./loop";

interface Round {
  start: number;
  buildPush: number;
  rollout: number;
  up: number;
  firstNew: number;
  allNew: number;
}
const PHASES: (keyof Round)[] = ["start", "buildPush", "rollout", "up", "firstNew", "allNew"];
const LABELS: Record<keyof Round, string> = { start: "to build", buildPush: "build+push", rollout: "rollout", up: "up", firstNew: "first new", allNew: "all new" };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer (got ${process.argv[i + 1]})`);
  return v;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => (ms / 1000).toFixed(1).padStart(7);

/** The error `until` rejected with, once it has (to stop polling when the up failed). */
function failureOf(until: Promise<unknown>): () => Error | undefined {
  let failed: Error | undefined;
  until.catch((e: unknown) => {
    failed = e instanceof Error ? e : new Error(String(e));
  });
  return () => failed;
}

/** The pods, or none while the API server is too busy to answer (the next poll asks again). */
function podsOrNone(read: () => BackendPod[]): BackendPod[] {
  try {
    return read();
  } catch {
    return [];
  }
}

/** Polls the backend pods during the up (`until`): when the first, and when every serving pod, answered with `mark`. */
async function watchAnswers(loop: ReloadLoop, mark: string, replicas: number, t0: number, until: Promise<unknown>): Promise<{ firstNew: number; allNew: number }> {
  let firstNew: number | undefined;
  const failed = failureOf(until);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const pods = podsOrNone(() => loop.backendPods());
    const marks = await loop.marks(pods.filter((p) => p.ip));
    if (firstNew === undefined && marks.includes(mark)) firstNew = Date.now() - t0;
    // Serving pods: a pod being deleted is out of the Service's endpoints (its /ready says 503).
    const live = pods.filter((p) => p.ip && p.ready && !p.deleting);
    const liveMarks = await loop.marks(live);
    if (live.length === replicas && liveMarks.every((m) => m === mark)) {
      return { firstNew: firstNew ?? Date.now() - t0, allNew: Date.now() - t0 };
    }
    const error = failed();
    if (error) throw error;
    if (Date.now() > deadline) throw new Error(`the backend pods did not all answer ${MARK_HEADER}: ${mark} within 300 s (got ${JSON.stringify(liveMarks)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Why the relayer loop cannot run here, or undefined when it can. */
function relayerSkipReason(source: string | undefined): string | undefined {
  if (!source) return "no checkout given: set RELAYMINER_SOURCE=<a pocket-relay-miner checkout> (never committed) to measure it";
  if (!existsSync(join(source, "go.mod"))) return `RELAYMINER_SOURCE=${source} has no go.mod`;
  if (!relayMinerBinary()) return "no relay-miner binary for the base image (RELAYMINER_TOOLS_BIN)";
  return undefined;
}

/** Waits until every serving pod of `workload` (`replicas` of them) logged `mark`; ms after t0. */
async function watchLogs(loop: ReloadLoop, workload: string, mark: string, replicas: number, t0: number, until: Promise<unknown>): Promise<number> {
  const failed = failureOf(until);
  const deadline = Date.now() + 600_000;
  for (;;) {
    const pods = podsOrNone(() => loop.podsOf(workload));
    const live = pods.filter((p) => p.ready && !p.deleting);
    if (live.length === replicas) {
      const logs = await Promise.all(live.map((p) => loop.logOf(p.name)));
      if (logs.every((l) => l.includes(mark))) return Date.now() - t0;
    }
    const error = failed();
    if (error) throw error;
    if (Date.now() > deadline) throw new Error(`the ${workload} pods did not all log ${mark} within 600 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function table(title: string, results: Round[], phases: (keyof Round)[]): void {
  console.log(`\n${title}`);
  console.log(`${"phase".padEnd(12)}${results.map((_, i) => `  round ${i + 1}`.padStart(9)).join("")}   median`);
  for (const p of phases) console.log(`${LABELS[p].padEnd(12)}${results.map((r) => secs(r[p]).padStart(9)).join("")}  ${secs(median(results.map((r) => r[p])))}`);
}

const stepOf = (r: UpRecord, type: string, name: string) => r.steps.find((s) => s.type === type && s.name.startsWith(name));
const describeSteps = (r: UpRecord) => r.steps.map((s) => `${s.type.split(":").pop()} ${s.name} ${s.op} ${s.startMs}-${s.endMs ?? "?"}`).join(", ");
const load = () => `load average ${loadavg()[0].toFixed(1)}`;

async function relayerRounds(loop: ReloadLoop, checkout: string, rounds: number): Promise<void> {
  setRelayerMark(checkout, "start");
  await loop.enableRelayers();
  const first = await loop.up();
  console.log(`\nfirst up with a relayer and a miner (host go build of the checkout, image, rollout): ${(first.ms / 1000).toFixed(1)} s`);
  const results: Round[] = [];
  for (let i = 1; i <= rounds; i++) {
    const mark = `relayer-round-${i}-${Date.now()}`;
    const t0 = Date.now();
    setRelayerMark(checkout, mark);
    const up = loop.up();
    const logged = watchLogs(loop, "relayer", mark, 1, t0, up);
    const r = await up;
    const allNew = await logged;
    const image = stepOf(r, "docker-build:index:Image", "images-relay-miner");
    const relayerSet = stepOf(r, "kubernetes:apps/v1:StatefulSet", "relayer");
    if (!image || !relayerSet) throw new Error(`relayer round ${i}: the up did not rebuild and roll the relayer: ${JSON.stringify(r.changes)}`);
    results.push({ start: image.startMs, buildPush: (image.endMs ?? r.ms) - image.startMs, rollout: allNew - relayerSet.startMs, up: r.ms, firstNew: allNew, allNew });
    console.log(`relayer round ${i} steps (ms from the up's start): ${describeSteps(r)}; up returned at ${r.ms}; ${load()}`);
  }
  table(`edit-to-running, relayer (1 pod), ${rounds} rounds, seconds from the edit (build+push and rollout are durations):`, results, [
    "start",
    "buildPush",
    "rollout",
    "up",
    "allNew",
  ]);
}

async function main(): Promise<void> {
  const rounds = arg("rounds", 3);
  const replicas = arg("replicas", 1);
  const scratch = new Scratch();
  const tStart = Date.now();
  const source = process.env.RELAYMINER_SOURCE;
  const skip = relayerSkipReason(source);
  // The bench edits a copy: the checkout given is never written to.
  const checkout = skip ? undefined : scratch.dir("relay-miner-checkout");
  if (checkout) cpSync(source!, checkout, { recursive: true, filter: (p) => !p.endsWith("/.git") });
  const loop = await startReloadLoop(scratch, { backendReplicas: replicas, initialMark: "start", relayerSource: checkout });
  let left: string[];
  try {
    console.log(`node with Docker and registry ready in ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
    const first = await loop.up();
    console.log(`first up (cold build of the backend image): ${(first.ms / 1000).toFixed(1)} s`);
    const results: Round[] = [];
    for (let i = 1; i <= rounds; i++) {
      const mark = `round-${i}-${Date.now()}`;
      const t0 = Date.now();
      loop.setMark(mark);
      const up = loop.up();
      const answers = watchAnswers(loop, mark, replicas, t0, up);
      const r = await up;
      const { firstNew, allNew } = await answers;
      const step = (type: string) => r.steps.find((s) => s.type === type);
      const image = step("docker-build:index:Image");
      const deployment = r.steps.find((s) => s.type === "kubernetes:apps/v1:Deployment" && s.name.startsWith("backend"));
      if (!image || !deployment) throw new Error(`round ${i}: the up did not rebuild and roll the backend: ${JSON.stringify(r.changes)}`);
      results.push({
        start: image.startMs,
        buildPush: (image.endMs ?? r.ms) - image.startMs,
        rollout: allNew - deployment.startMs,
        up: r.ms,
        firstNew,
        allNew,
      });
      console.log(`round ${i} steps (ms from the up's start): ${describeSteps(r)}; up returned at ${r.ms}; ${load()}`);
      console.log(`round ${i}: ${PHASES.map((p) => `${LABELS[p]} ${secs(results[i - 1][p]).trim()} s`).join(", ")}`);
    }
    table(`edit-to-running, backend (${replicas} pod${replicas > 1 ? "s" : ""}), ${rounds} rounds, seconds from the edit (build+push and rollout are durations):`, results, PHASES);
    if (skip) console.log(`\nrelayer loop: NOT VERIFIED (${skip})`);
    else await relayerRounds(loop, checkout!, rounds);
  } finally {
    left = loop.teardown();
    await scratch.cleanup();
  }
  console.log(`teardown: ${left.length ? `LEFT ${left.join("; ")}` : "nothing left behind"}`);
  if (left.length) process.exit(1);
}

main().catch((e) => {
  console.error(`bench:reload: ${(e as Error).message}`);
  process.exit(1);
});
