/**
 * Scaling on a real node: `relayer.count` 2→5 and `miner.count` 2→3 in one `up`. The StatefulSets
 * roll in place: nothing is replaced or deleted, the new pods are Ready when `up` returns, the old
 * pods keep running (same pod, same container start, no restart), and a second `up` changes nothing.
 * Needs the relay-miner image (RELAYMINER_TOOLS_BIN); without it the file is skipped, NOT VERIFIED.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { relayMinerBinary } from "../../../tools/images/sources";
import { Scratch } from "../support";
import { secs, startLocalnetNode, stopLocalnetNode, upTimed, workloadOf, type LocalnetNode, type PodView, type UpRecord } from "./localnet";

const NOT_VERIFIED = "NOT VERIFIED: no relay-miner binary (set RELAYMINER_TOOLS_BIN to a directory holding pocket-relay-miner): relayer and miner scaling not run";
const FROM = { relayer: 2, miner: 2 };
const TO = { relayer: 5, miner: 3 };

/** What identifies a running pod's life: its uid and each container's start time. */
const lifeOf = (p: PodView) =>
  `${p.name} ${p.uid} ${((p.raw.status.containerStatuses ?? []) as { name: string; state: { running?: { startedAt: string } } }[]).map((c) => `${c.name}@${c.state.running?.startedAt ?? "not running"}`).join(",")}`;

/** When the pod last turned Ready (the API's second resolution). */
const readySince = (p: PodView) =>
  Date.parse(((p.raw.status.conditions ?? []) as { type: string; lastTransitionTime: string }[]).find((c) => c.type === "Ready")?.lastTransitionTime ?? "");

const scaled = (pods: PodView[]) => pods.filter((p) => workloadOf(p) === "relayer" || workloadOf(p) === "miner");

describe("relayer and miner counts roll in place on a real node", { timeout: 30 * 60_000, skip: relayMinerBinary() ? false : NOT_VERIFIED }, () => {
  const scratch = new Scratch();
  let l: LocalnetNode;
  let before2: PodView[] = [];
  let scaleUp: UpRecord;

  before(async () => {
    l = await startLocalnetNode(scratch, {
      stackName: "scale",
      config: { "relayer.count": String(FROM.relayer), "miner.count": String(FROM.miner), "redis.commander": "false", "observability.enabled": "false" },
    });
    const { up: first, readyAt } = await upTimed(l);
    console.log(
      `# first up (${FROM.relayer} relayers, ${FROM.miner} miners): ${secs(first.ms)} ${JSON.stringify(first.changes)}; miners Ready ${secs(readyAt.get("miner"))}, relayers Ready ${secs(readyAt.get("relayer"))}`,
    );
    before2 = scaled(l.pods());
    await l.setConfig({ "relayer.count": String(TO.relayer), "miner.count": String(TO.miner) });
    const t0 = Date.now();
    scaleUp = await l.up();
    const added = scaled(l.pods()).filter((p) => !before2.some((b) => b.name === p.name));
    console.log(
      `# scale up (${TO.relayer} relayers, ${TO.miner} miners): ${secs(scaleUp.ms)} ${JSON.stringify(scaleUp.changes)}; new pods Ready after: ${added.map((p) => `${p.name} ${secs(readySince(p) - t0)}`).join(", ")}`,
    );
  });

  after(() => stopLocalnetNode(l, scratch));

  test("the scale-up updates in place: nothing replaced or deleted", () => {
    assert.deepEqual(before2.map(workloadOf).sort(), [...Array(FROM.miner).fill("miner"), ...Array(FROM.relayer).fill("relayer")]);
    assert.ok((scaleUp.changes.update ?? 0) >= 2, `both StatefulSets updated: ${JSON.stringify(scaleUp.changes)}`);
    for (const kind of ["replace", "delete", "create-replacement", "delete-replaced"])
      assert.equal(scaleUp.changes[kind], undefined, `${kind}: ${JSON.stringify(scaleUp.changes)}`);
  });

  test("when up returns, every relayer and miner is Ready, the new ones included", () => {
    const pods = scaled(l.pods());
    assert.deepEqual(pods.map(workloadOf).sort(), [...Array(TO.miner).fill("miner"), ...Array(TO.relayer).fill("relayer")]);
    assert.deepEqual(
      pods.filter((p) => !p.ready || p.deleting || p.restarts > 0).map((p) => `${p.name}: ready=${p.ready} deleting=${p.deleting} restarts=${p.restarts}`),
      [],
    );
  });

  test("the pods that were there keep running: same pod, same container start, no restart", () => {
    const now = new Map(scaled(l.pods()).map((p) => [p.name, lifeOf(p)]));
    assert.deepEqual(
      before2.map((p) => now.get(p.name)),
      before2.map(lifeOf),
    );
  });

  test("a second up after the scale changes nothing", async () => {
    const again = await l.up();
    console.log(`# second up: ${secs(again.ms)} ${JSON.stringify(again.changes)}`);
    assert.deepEqual(Object.keys(again.changes), ["same"]);
  });
});
