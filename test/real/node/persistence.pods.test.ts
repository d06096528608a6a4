/**
 * `validator.keepState` + `redis.persistence` on a real node, on hostPath PersistentVolumes this
 * test creates (a StorageClass with no provisioner, one volume per claim, bound by claimRef). After
 * the validator's and Redis's pods are deleted, the new pods run on the kept data: the same chain
 * (block 1's hash unchanged) at a height beyond the one before, and a Redis key written before.
 * Relayers and miners are not deployed: this is about the two stores.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Scratch, waitFor } from "../support";
import { NAMESPACE, podsNow, redisCli, secs, startLocalnetNode, stopLocalnetNode, upTimed, workloadOf, type LocalnetNode, type PodView } from "./localnet";

const STORAGE_CLASS = "test-hostpath";
/** The claims the program makes: the validator's, and the Redis StatefulSet's for its one pod. */
const CLAIMS = ["validator-data", "data-redis-0"];
const KEY = "persistence-probe";

/** A StorageClass nobody provisions for, and a hostPath volume reserved for each claim. */
function volumesManifest(root: string): string {
  const items = [
    { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: STORAGE_CLASS }, provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "Immediate" },
    ...CLAIMS.map((claim) => ({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `test-${claim}` },
      spec: {
        capacity: { storage: "2Gi" },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: STORAGE_CLASS,
        claimRef: { namespace: NAMESPACE, name: claim },
        hostPath: { path: join(root, claim), type: "Directory" },
      },
    })),
  ];
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

/** The validator's status through its Service, from its own busybox container. */
function rpc(l: LocalnetNode, path: string): string {
  const validator = l.pods().find((p) => workloadOf(p) === "validator" && !p.deleting)!;
  return l.node.kubectl(["exec", "-n", NAMESPACE, validator.name, "-c", "height-gate", "--", "wget", "-qO-", `http://validator.${NAMESPACE}.svc.cluster.local:26657${path}`]);
}
const height = (l: LocalnetNode) => Number(/"latest_block_height":\s*"(\d+)"/.exec(rpc(l, "/status"))?.[1]);
const block1Hash = (l: LocalnetNode) => /"block_id":\s*\{\s*"hash":\s*"([0-9A-F]+)"/.exec(rpc(l, "/block?height=1"))?.[1];

/** Every file under a directory (relative paths). */
const filesUnder = (d: string): string[] =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(d.length + 1));

describe("validator.keepState and redis.persistence on a real node", { timeout: 30 * 60_000 }, () => {
  const scratch = new Scratch();
  let l: LocalnetNode;
  let root = "";

  before(async () => {
    root = scratch.dir("volumes");
    for (const c of CLAIMS) {
      mkdirSync(join(root, c));
      // hostPath volumes are not chowned to the pod's fsGroup: the images' users need to write here.
      chmodSync(join(root, c), 0o777);
    }
    l = await startLocalnetNode(scratch, {
      stackName: "persistence",
      config: {
        "validator.keepState": "true",
        "redis.persistence": "true",
        "kube.storageClass": STORAGE_CLASS,
        "relayer.count": "0",
        "miner.count": "0",
        "backend.enabled": "false",
        "redis.commander": "false",
        "observability.enabled": "false",
      },
    });
    l.node.kubectl(["apply", "-f", "-"], { input: volumesManifest(root) });
    const { up, readyAt } = await upTimed(l);
    console.log(`# up: ${secs(up.ms)} ${JSON.stringify(up.changes)}; Redis Ready ${secs(readyAt.get("redis"))}, validator Ready ${secs(readyAt.get("validator"))}`);
  });

  after(() => stopLocalnetNode(l, scratch));

  test("the claims are bound to the test's volumes and the stores write there", () => {
    const claims = JSON.parse(l.node.kubectl(["get", "pvc", "-n", NAMESPACE, "-o", "json"])).items as {
      metadata: { name: string };
      spec: { volumeName: string };
      status: { phase: string };
    }[];
    assert.deepEqual(claims.map((c) => `${c.metadata.name} ${c.status.phase} ${c.spec.volumeName}`).sort(), CLAIMS.map((c) => `${c} Bound test-${c}`).sort());
    assert.ok(existsSync(join(root, "validator-data", "data", "priv_validator_state.json")), filesUnder(join(root, "validator-data")).join(", "));
    assert.ok(
      filesUnder(join(root, "data-redis-0")).some((f) => f.startsWith("appendonlydir/")),
      filesUnder(join(root, "data-redis-0")).join(", "),
    );
  });

  test("after both pods are deleted, the chain continues from its kept height and a Redis key survives", async () => {
    assert.equal(redisCli(l, "redis-0", ["set", KEY, "kept"]).trim(), "OK");
    // On disk before the pod goes (the append-only file is written within a second).
    await waitFor(
      "the key in the append-only file",
      async () => (filesUnder(join(root, "data-redis-0")).some((f) => f.endsWith(".aof") && readFileSync(join(root, "data-redis-0", f), "utf8").includes(KEY)) ? true : undefined),
      30_000,
      250,
    );
    const firstBlock = block1Hash(l);
    assert.ok(firstBlock, "block 1's hash");
    const heightBefore = await waitFor("a few blocks", async () => (height(l) >= 5 ? height(l) : undefined), 60_000, 500);
    const old = l.pods().filter((p) => ["validator", "redis"].includes(workloadOf(p)));
    l.node.kubectl(["delete", "pod", "-n", NAMESPACE, ...old.map((p) => p.name), "--wait=false"]);
    const t0 = Date.now();
    const gone = new Set(old.map((p) => p.uid));
    await waitFor(
      "new validator and Redis pods Ready",
      async () => {
        const now = (await podsNow(l)).filter((p: PodView) => ["validator", "redis"].includes(workloadOf(p)));
        return now.length === 2 && now.every((p) => p.ready && !p.deleting && !gone.has(p.uid)) ? true : undefined;
      },
      180_000,
      500,
    );
    const heightAfter = height(l);
    console.log(`# pods replaced and Ready after ${secs(Date.now() - t0)}; height ${heightBefore} before, ${heightAfter} after`);
    assert.equal(block1Hash(l), firstBlock, "the same chain: block 1 unchanged");
    // A fresh chain would be back near block 1 when its pod turns Ready.
    assert.ok(heightAfter >= heightBefore, `height ${heightAfter} continues from ${heightBefore}`);
    await waitFor("a block after the restart", async () => (height(l) > heightAfter ? true : undefined), 60_000, 500);
    const configure = l.node.kubectl(["logs", "-n", NAMESPACE, l.pods().find((p) => workloadOf(p) === "validator" && !gone.has(p.uid))!.name, "-c", "configure"]);
    assert.doesNotMatch(configure, /genesis changed/, configure);
    assert.equal(redisCli(l, "redis-0", ["get", KEY]).trim(), "kept");
  });
});
