/**
 * The real entry point as a child process: config errors, graceful SIGTERM, cluster mode.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { metricsText, rawPost, readStream, waitFor } from "./helper";
import { ephemeral, runBackend as run } from "./spawn";

const dir = mkdtempSync(join(tmpdir(), "backend-proc-"));

const stop = async (child: ChildProcess) => {
  if (child.exitCode === null) child.kill("SIGKILL");
};

test("invalid config: clear message naming field and value, exit code 2, no stack trace", async () => {
  const { exited } = run("workers: 1\nfaults:\n  - method: eth_call\n    action: { type: http_status, status: 700 }\nchain: { mode: sometimes }\n");
  const r = await exited;
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^backend: invalid config \(.*\.yaml\):/);
  assert.match(r.stderr, /faults\[0\]\.action\.status: .*<=599.*\(got 700\)/);
  assert.match(r.stderr, /chain\.mode: .*"interval"\|"manual".*\(got "sometimes"\)/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const env = await run(null, { BACKEND_CONFIG: join(dir, "nope.yaml") }).exited;
  assert.equal(env.code, 2);
  assert.match(env.stderr, /cannot read config file .*nope\.yaml: ENOENT/);
});

test("SIGTERM drains: in-flight request completes, streams end cleanly, exit 0", async () => {
  const { child, exited, listening } = run(`${ephemeral}workers: 1\nlog_level: info\nfaults:\n  - { method: slow, latency: { ttfb: 400 } }\n`);
  try {
    const ports = await listening;
    const stream = readStream(`http://127.0.0.1:${ports.http}/stream/sse`);
    const slow = rawPost(ports.http, '{"id":1,"method":"slow"}');
    // Both are in flight once the stream is counted (the POST was sent with it and waits 400 ms).
    await waitFor("the SSE stream to be open", async () => /demo_active_streams\{protocol="sse"\} 1/.test(await metricsText(ports.metrics)));
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    const [s, r, e] = await Promise.all([stream, slow, exited]);
    assert.equal(r.status, 200, "the request in flight at SIGTERM is answered");
    assert.equal(JSON.parse(r.body).result.method, "slow");
    assert.equal(s.error, undefined, "the SSE stream is ended, not cut");
    assert.equal(e.code, 0);
    assert.match(e.stdout, /"msg":"draining"/);
    await assert.rejects(fetch(`http://127.0.0.1:${ports.http}/health`));
  } finally {
    await stop(child);
  }
});

test("cluster mode: workers share ports, admin rules and `first` counters are global, metrics and journal aggregate", async () => {
  const { child, exited, listening } = run(`${ephemeral}workers: 2\nbackend_id: clustered\n`);
  try {
    const ports = await listening;
    assert.equal(ports.workers, 2);
    const put = await fetch(`http://127.0.0.1:${ports.admin}/rules`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ method: "flaky", first: 3, action: { type: "http_status", status: 503 } }]),
    });
    assert.equal(put.status, 200);
    const statuses: number[] = [];
    // agent:false = a new connection each time, so both workers get traffic.
    for (let i = 0; i < 8; i++) statuses.push((await rawPost(ports.http, '{"id":1,"method":"flaky"}')).status!);
    assert.deepEqual(statuses.filter((s) => s === 503).length, 3);
    assert.deepEqual(statuses.slice(3), [200, 200, 200, 200, 200]);
    const count: any = await (await fetch(`http://127.0.0.1:${ports.admin}/journal/count?method=flaky`)).json();
    assert.equal(count.count, 8);
    const journal: any = await (await fetch(`http://127.0.0.1:${ports.admin}/journal?method=flaky`)).json();
    assert.ok(new Set(journal.map((e: any) => e.worker)).size >= 1);
    const m = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    const injected = Number(m.match(/demo_requests_total\{protocol="http",method="flaky",outcome="injected",fault="http_status"\} (\d+)/)?.[1]);
    const ok = Number(m.match(/demo_requests_total\{protocol="http",method="flaky",outcome="ok",fault="none"\} (\d+)/)?.[1]);
    assert.deepEqual([injected, ok], [3, 5]);
    child.kill("SIGTERM");
    assert.equal((await exited).code, 0);
  } finally {
    await stop(child);
  }
});
