/**
 * The supervisor with a watch of the pods: a forward goes to the pod the watch says, moves at
 * once when that pod is replaced (kubectl is restarted against the new one before any connection
 * had to fail through the old one), and waits without restarting while no pod is Ready. kubectl
 * is a script that records what it was asked to forward to; the watch is hand-driven.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../../components/k8s/rollout";
import { FakeSource } from "../../test/support/fake-object-source";
import { planForwards } from "./plan";
import { supervise } from "./supervise";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pod = (uid: string, ready: boolean, deleting = false): KubeObject => ({
  metadata: { name: "relayer-0", uid, labels: { app: "relayer" }, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

test("a forward to pod/relayer-0 follows the pod through a replacement, without a failed connection to trigger it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rml-follow-"));
  try {
    const log = join(dir, "calls");
    const kubectl = join(dir, "kubectl");
    // Records its arguments, then holds like a port-forward does (until killed).
    writeFileSync(kubectl, `#!/bin/sh\necho "$*" >> ${log}\nexec sleep 30\n`);
    chmodSync(kubectl, 0o755);
    const [plan] = planForwards([{ namespace: "ns", resource: "pod/relayer-0", hostPort: 18180, targetPort: 8080, url: "http://127.0.0.1:18180", name: "relayerRelay[0]" }], {
      kubectl,
    });
    const src = new FakeSource();
    src.set("pods", pod("u1", true));
    const lines: string[] = [];
    const stop = new AbortController();
    const running = supervise([plan], {
      signal: stop.signal,
      log: (l) => lines.push(l),
      follow: { pods: () => src.objects("pods").values(), onChange: (l) => src.onChange(l), service: () => undefined, failed: () => undefined },
      delayMs: () => 60_000, // a restart by backoff would not happen within this test
    });
    const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
    await sleep(300);
    assert.deepEqual(calls(), ["port-forward --address 127.0.0.1 -n ns pod/relayer-0 18180:8080"]);

    src.set("pods", pod("u1", true, true)); // the rollout deletes it
    await sleep(300);
    src.set("pods", pod("u2", false)); // its replacement starts
    await sleep(300);
    assert.equal(calls().length, 1, "no forward while no pod is Ready");
    assert.ok(
      lines.some((l) => /pod\/relayer-0 is gone or not Ready: waiting/.test(l)),
      lines.join("\n"),
    );

    src.set("pods", pod("u2", true));
    await sleep(300);
    assert.equal(calls().length, 2, `forwarded again as soon as the new pod was Ready: ${lines.join("\n")}`);
    assert.ok(
      lines.some((l) => /nothing → pod\/relayer-0: forwarding there now/.test(l)),
      lines.join("\n"),
    );

    stop.abort();
    const [stats] = await running;
    assert.equal(stats.starts, 2);
    assert.equal(stats.moves, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
