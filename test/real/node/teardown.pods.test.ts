/**
 * The node is taken down even when its test process does not end normally: on SIGTERM (a test
 * runner's timeout, Ctrl-C) its exit handlers tear it down; after SIGKILL the next node start
 * finds the record in /run and tears the orphaned node down. Either way nothing is left.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { buildImages } from "../../../tools/images/build";
import { repoRoot, Scratch } from "../support";
import { captureHostState, leftovers, processesMentioning } from "./host-state";
import { startNode, sweepStaleRun } from "./node";
import { NODE_STATE_FILE } from "./teardown";

/** Runs hold-node.ts until it holds a node with a running pod; resolves with its run dir. */
function holdNode(): Promise<{ child: ReturnType<typeof spawn>; runDir: string; cgroupRoot: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "hold-node.ts")], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<number | null>((r) => child.once("exit", (code, sig) => r(code ?? (sig ? -1 : null))));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const held = /HOLDING (\S+) (\S+)/.exec(out);
      if (held) resolve({ child, runDir: held[1], cgroupRoot: held[2], exited });
      if (/FAILED/.test(out)) reject(new Error(out));
    });
    void exited.then((code) => reject(new Error(`hold-node exited (${code}) before holding a node: ${out}`)));
  });
}

describe("node teardown when the test process is killed, or the start fails", { timeout: 10 * 60_000 }, () => {
  test("a start that times out half-way takes down what it had started, and says where the logs are", async () => {
    const [pause, busybox] = await buildImages(["pause", "busybox"]);
    const before = captureHostState();
    const scratch = new Scratch();
    try {
      // Too short for anything to become ready: the first wait fails.
      await assert.rejects(startNode(scratch, { images: [pause.archive, busybox.archive], sandboxImage: pause.ref, readyTimeoutMs: 1 }), (e: Error) => {
        assert.match(e.message, /timed out after 1 ms waiting for/);
        const logs = /node logs: (\S+rml-node-logs-\S+)/.exec(e.message)?.[1];
        assert.ok(logs && existsSync(join(logs, "containerd.log")), e.message);
        rmSync(logs, { recursive: true, force: true });
        assert.doesNotMatch(e.message, /teardown after the failure left/);
        return true;
      });
    } finally {
      await scratch.cleanup();
    }
    assert.equal(existsSync(NODE_STATE_FILE), false);
    // Any node run dir (its name is not known here) by prefix.
    assert.deepEqual(leftovers(before, captureHostState(), join(tmpdir(), "rml-node-"), "rml-node-"), []);
  });

  test("SIGTERM: the exit handlers take the node down and nothing is left", async () => {
    const before = captureHostState();
    const held = await holdNode();
    assert.ok(processesMentioning(held.runDir).length >= 5, "the node's processes run");
    held.child.kill("SIGTERM");
    await held.exited;
    assert.equal(existsSync(NODE_STATE_FILE), false, "the run's record is removed");
    assert.deepEqual(leftovers(before, captureHostState(), held.runDir, held.cgroupRoot), []);
  });

  test("SIGKILL: the orphaned node runs on until the next start sweeps it, then nothing is left", async () => {
    const before = captureHostState();
    const held = await holdNode();
    held.child.kill("SIGKILL");
    await held.exited;
    assert.ok(existsSync(NODE_STATE_FILE), "the run's record outlives the killed process");
    assert.ok(processesMentioning(held.runDir).length >= 5, "its processes outlive it");
    sweepStaleRun();
    assert.deepEqual(leftovers(before, captureHostState(), held.runDir, held.cgroupRoot), []);
  });
});
