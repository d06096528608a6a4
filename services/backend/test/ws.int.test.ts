import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import WebSocket from "ws";
import { metricsText, sleep, startTestBackend, waitFor, type TestBackend } from "./helper";

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ chain: { mode: "manual", start_height: 10 }, websocket: { max_payload_bytes: 2048, max_repeat_count: 50 } });
});
after(() => b.close());
beforeEach(() => b.admin("DELETE", "/rules"));

function connect(
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: any[]; next(n?: number, timeoutMs?: number): Promise<any[]>; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${b.ports.http}/ws`, { headers });
    const frames: any[] = [];
    let waiter: (() => void) | undefined;
    ws.on("message", (d) => {
      const t = (d as Buffer).toString();
      try {
        frames.push(JSON.parse(t));
      } catch {
        frames.push({ raw: t });
      }
      waiter?.();
    });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on("close", (code, reason) => r({ code, reason: reason.toString() })));
    let consumed = 0;
    // Positive waits return as soon as the frames are there; the long default is for a loaded machine.
    const next = async (n = 1, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (frames.length - consumed < n && Date.now() < deadline) {
        await Promise.race([new Promise<void>((r) => (waiter = r)), sleep(20)]);
      }
      const out = frames.slice(consumed, consumed + n);
      consumed += out.length;
      return out;
    };
    ws.on("open", () => resolve({ ws, frames, next, closed }));
    ws.on("error", reject);
  });
}

test("repeat_count / delay_ms directive: N frames with sequence/total, spaced delay_ms", async () => {
  const c = await connect();
  const t0 = performance.now();
  c.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "sub", params: [{ repeat_count: 3, delay_ms: 50 }] }));
  const got = await c.next(3);
  assert.ok(performance.now() - t0 >= 95, "two gaps of 50 ms");
  assert.deepEqual(
    got.map((f) => [f.id, f.result.sequence, f.result.total, f.result.method, f.result.status, f.result.backend_id]),
    [
      [9, 1, 3, "sub", "ok", "test-backend"],
      [9, 2, 3, "sub", "ok", "test-backend"],
      [9, 3, 3, "sub", "ok", "test-backend"],
    ],
  );
  c.ws.send(JSON.stringify({ id: 1, method: "many", params: [{ repeat_count: 1000 }] }));
  assert.equal((await c.next(50)).length, 50);
  assert.equal((await c.next(1, 300)).length, 0, "repeat_count is capped by websocket.max_repeat_count");
  c.ws.close();
});

test("eth_subscribe newHeads pushes one header per simulated block; eth_unsubscribe stops it", async () => {
  const c = await connect();
  c.ws.send(JSON.stringify({ id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  const [sub] = await c.next();
  assert.match(sub.result, /^0x[0-9a-f]{16}$/);
  const h0 = (await b.admin("GET", "/chain")).json.height;
  await b.admin("POST", "/chain/advance", { blocks: 2 });
  const heads = await c.next(2);
  assert.deepEqual(
    heads.map((h) => [h.method, h.params.subscription, parseInt(h.params.result.number, 16)]),
    [
      ["eth_subscription", sub.result, h0 + 1],
      ["eth_subscription", sub.result, h0 + 2],
    ],
  );
  c.ws.send(JSON.stringify({ id: 2, method: "eth_unsubscribe", params: [sub.result] }));
  assert.equal((await c.next())[0].result, true);
  await b.admin("POST", "/chain/advance", { blocks: 1 });
  assert.equal((await c.next(1, 200)).length, 0, "no head after unsubscribe");
  c.ws.send(JSON.stringify({ id: 3, method: "eth_subscribe", params: ["logs"] }));
  assert.equal((await c.next())[0].error.code, -32602);
  c.ws.send(JSON.stringify({ id: 4, method: "eth_blockNumber" }));
  assert.equal((await c.next())[0].result, `0x${(h0 + 3).toString(16)}`);
  c.ws.close();
});

test("bad frames: malformed JSON gets -32700, non-request -32600, oversized frame closes with 1009", async () => {
  const c = await connect();
  c.ws.send("{nope");
  c.ws.send("[1,2]");
  const [parse, invalid] = await c.next(2);
  assert.equal(parse.error.code, -32700);
  assert.equal(invalid.error.code, -32600);
  c.ws.send("x".repeat(4096));
  assert.equal((await c.closed).code, 1009);
  // The server is fine afterwards.
  const d = await connect();
  d.ws.send(JSON.stringify({ id: 1, method: "still-ok" }));
  assert.equal((await d.next())[0].result.method, "still-ok");
  d.ws.close();
});

test("faults per message: jsonrpc_error, truncate, disconnect after K frames, http_status closes 1011", async () => {
  await b.admin("PUT", "/rules", [
    { protocol: "websocket", method: "err", action: { type: "jsonrpc_error", code: -32010, message: "nope" } },
    { protocol: "websocket", method: "cut", action: { type: "truncate", fraction: 0.3 } },
    { protocol: "websocket", method: "drop", action: { type: "disconnect", after_events: 2 } },
    { protocol: "websocket", method: "status", action: { type: "http_status", status: 503 } },
  ]);
  const c = await connect();
  c.ws.send(JSON.stringify({ id: 1, method: "err" }));
  c.ws.send(JSON.stringify({ id: 2, method: "cut" }));
  const [err, cut] = await c.next(2);
  assert.deepEqual(err.error, { code: -32010, message: "nope" });
  assert.ok(cut.raw && cut.raw.length > 0, "a partial, unparseable frame");
  c.ws.send(JSON.stringify({ id: 3, method: "drop", params: [{ repeat_count: 5, delay_ms: 10 }] }));
  const closed = await c.closed;
  assert.equal(c.frames.filter((f) => f.result?.method === "drop").length, 2);
  assert.equal(closed.code, 1006, "abnormal closure: no close frame");
  const s = await connect();
  s.ws.send(JSON.stringify({ id: 1, method: "status" }));
  assert.deepEqual(await s.closed, { code: 1011, reason: "injected status 503" });
});

test("handshake faults: method `connection` can refuse the upgrade", async () => {
  await b.admin("PUT", "/rules", [{ protocol: "websocket", method: "connection", headers: { "pocket-service": "ws-down" }, action: { type: "http_status", status: 503 } }]);
  await assert.rejects(connect({ "Pocket-Service": "ws-down" }), /Unexpected server response: 503/);
  const ok = await connect({ "Pocket-Service": "ws-up" });
  ok.ws.close();
});

test("the stream stops when the client leaves (no leaked repeat loop, gauge back to 0)", async () => {
  const c = await connect();
  c.ws.send(JSON.stringify({ id: 1, method: "long", params: [{ repeat_count: 50, delay_ms: 20 }] }));
  await c.next(2);
  c.ws.terminate();
  await waitFor("the WebSocket gauge back to 0", async () => /demo_active_streams\{protocol="websocket"\} 0/.test(await metricsText(b.ports.metrics)));
  // The repeat loop records its one journal entry when it notices the client is gone.
  const journal = async () => (await b.admin("GET", "/journal?protocol=websocket&method=long")).json as unknown[];
  await waitFor("the stopped stream's journal entry", async () => (await journal()).length > 0);
  assert.equal((await journal()).length, 1);
});

test("plain text frames, read on the lean path, are answered and journaled exactly as on ws's own reader", async () => {
  await b.admin("DELETE", "/journal");
  const lean = await connect({ "x-conn": "lean" });
  const general = await connect({ "x-conn": "general" });
  // A ping is not a plain text frame: this connection is read by ws from here on.
  const ponged = new Promise<void>((r) => general.ws.once("pong", () => r()));
  general.ws.ping();
  await ponged;
  const messages = [
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: [] }),
    JSON.stringify({ id: "é😀", method: "eth_blockNumber" }),
    JSON.stringify({ id: 3, method: "long", params: ["x".repeat(300)] }),
    JSON.stringify({ id: 4, method: "sub", params: [{ repeat_count: 3 }] }),
    "{nope",
    "[1,2]",
    "[".repeat(200) + "]".repeat(200),
    "",
  ];
  for (const m of messages) {
    lean.ws.send(m);
    general.ws.send(m);
  }
  const [a, g] = await Promise.all([lean.next(10), general.next(10)]);
  assert.equal(a.length, 10);
  assert.deepEqual(a, g);
  const journal = async (conn: string) =>
    ((await b.admin("GET", "/journal?protocol=websocket")).json as Array<{ method: string; body: string; fault: string; headers: Record<string, string> }>)
      .filter((e) => e.headers["x-conn"] === conn)
      .map((e) => [e.method, e.body, e.fault]);
  assert.deepEqual(await journal("lean"), await journal("general"));
  assert.equal((await journal("lean")).length, messages.length);
  // Bytes that are not UTF-8 in a text frame: both close with 1007.
  lean.ws.send(Buffer.from([0x7b, 0xff]), { binary: false });
  general.ws.send(Buffer.from([0x7b, 0xff]), { binary: false });
  assert.deepEqual(await Promise.all([lean.closed.then((c) => c.code), general.closed.then((c) => c.code)]), [1007, 1007]);
});
