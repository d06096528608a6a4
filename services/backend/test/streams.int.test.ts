import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { readStream, startTestBackend, waitFor, type TestBackend } from "./helper";

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ streams: { ndjson_interval_ms: 50 } });
});
after(() => b.close());

const events = (text: string, prefix = "data: ") =>
  text
    .split("\n")
    .filter((l) => l.startsWith(prefix.trim() === "" ? "{" : prefix))
    .map((l) => JSON.parse(l.slice(prefix.trim() === "" ? 0 : prefix.length)));

test("SSE: reference headers, 200 ms cadence, ?batches=N ends cleanly", async () => {
  const res = await fetch(b.url("/stream/sse?batches=3"));
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  assert.equal(res.headers.get("x-backend-id"), "test-backend");
  await res.body?.cancel();
  const s = await readStream(b.url("/stream/sse?batches=3"));
  assert.equal(s.error, undefined);
  const evs = events(s.text);
  assert.deepEqual(
    evs.map((e) => [e.sequence, e.type]),
    [
      [1, "update"],
      [2, "update"],
      [3, "update"],
    ],
  );
  assert.ok(Math.abs(evs[0].timestamp - Date.now() / 1000) < 60, "stamped with the wall clock (seconds)");
  assert.match(s.text, /^data: \{"sequence":1,"timestamp":\d+,"type":"update"\}\n\n/);
  // Events at ~200, 400, 600 ms: load only delays them, and the ceiling still tells 200 ms from 1 s.
  assert.ok(s.times.at(-1)! >= 590 && s.times.at(-1)! < 2900, `last event at ${s.times.at(-1)}`);
});

test("SSE: batches from the JSON body (what `relay stream --batches` sends); query wins", async () => {
  const body = await readStream(b.url("/stream/sse"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"batches":2}' });
  assert.equal(events(body.text).length, 2);
  const both = await readStream(b.url("/stream/sse?batches=1"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"batches":4}' });
  assert.equal(events(both.text).length, 1);
});

test("NDJSON: one JSON object per line at the configured interval", async () => {
  const s = await readStream(b.url("/stream/ndjson?batches=4"));
  const lines = s.text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.sequence),
    [1, 2, 3, 4],
  );
  const res = await fetch(b.url("/stream/ndjson?batches=1"));
  assert.equal(res.headers.get("content-type"), "application/x-ndjson");
  await res.text();
});

test("an endless stream stops ticking when the client leaves", async () => {
  const metrics = async () => (await (await fetch(`http://127.0.0.1:${b.ports.metrics}/metrics`)).text()).match(/demo_active_streams\{protocol="ndjson"\} (\d+)/)?.[1];
  await new Promise<void>((resolve) => {
    const req = request({ host: "127.0.0.1", port: b.ports.http, path: "/stream/ndjson" }, (res) => {
      let n = 0;
      res.on("data", () => {
        if (++n === 2) {
          req.destroy();
          resolve();
        }
      });
    });
    req.end();
  });
  await waitFor("the NDJSON stream gauge back to 0", async () => (await metrics()) === "0");
  const m = await (await fetch(`http://127.0.0.1:${b.ports.metrics}/metrics`)).text();
  assert.match(m, /demo_requests_total\{protocol="ndjson",method="stream",outcome="cancelled",fault="none"\} 1/);
});
