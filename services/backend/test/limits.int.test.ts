/**
 * One request never takes the backend down: nesting, batch and body limits on every JSON entry
 * point answer with the reason, over real sockets, and the server keeps answering afterwards.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test as nodeTest } from "node:test";
import WebSocket from "ws";
import { grpcCall, rawPost, startTestBackend, type TestBackend } from "./helper";

/** A hung answer is a failure, not a stalled run. */
const test = (name: string, fn: () => Promise<void>): void => void nodeTest(name, { timeout: 30_000 }, fn);

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ max_batch_size: 50 });
});
after(() => b.close());

/** `[[[...]]]` nested `n` deep. */
const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
/** `{"a":{"a":...}}` nested `n` deep. */
const nestedObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

async function healthy(): Promise<void> {
  const r = await fetch(b.url("/health"));
  assert.equal(r.status, 200);
}

test("JSON-RPC nested 5,000 deep in params, id or an object: 400 with the reason, the server keeps serving", async () => {
  for (const body of [
    `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":${nested(5000)}}`,
    `{"jsonrpc":"2.0","id":${nested(5000)},"method":"eth_call"}`,
    `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[${nestedObject(5000)}]}`,
    `[${`{"id":1,"method":"m","params":${nested(3000)}}`}]`,
  ]) {
    const r = await rawPost(b.ports.http, body);
    assert.equal(r.error, undefined, "answered, not reset");
    assert.equal(r.status, 400);
    const json = JSON.parse(r.body);
    assert.equal(json.error.code, -32600);
    assert.match(json.error.message, /nested deeper than 100 levels \(max_json_depth\)/);
    await healthy();
  }
  // Brackets inside strings are text, not nesting.
  const text = await b.rpc({ jsonrpc: "2.0", id: 1, method: "m", params: ["[".repeat(5000)] });
  assert.equal(text.status, 200);
  // 100 levels is still fine.
  const ok = await rawPost(b.ports.http, `{"id":1,"method":"m","params":${nested(99)}}`);
  assert.equal(ok.status, 200);
});

test("a batch above max_batch_size is refused with the count and the limit", async () => {
  const calls = Array.from({ length: 51 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "m" }));
  const r = await b.rpc(calls);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.message, "Invalid request: batch of 51 calls exceeds 50 (max_batch_size)");
  assert.equal((await b.rpc(calls.slice(1))).json.length, 50);
});

test("a 50 MB POST gets a 413 it can read, not a connection reset", async () => {
  // Like a client that sends the whole body before it reads (Python's http.client, most SDKs):
  // the upload must complete, then the 413 must be there to read.
  for (const chunked of [false, true]) {
    const result = await new Promise<{ status?: number; body: string; uploaded: boolean; error?: string }>((resolve) => {
      const headers: Record<string, string | number> = { "content-type": "application/json" };
      if (!chunked) headers["content-length"] = 50 * 1024 * 1024;
      let uploaded = false;
      let answer: { status?: number; body: string } | undefined;
      const settle = () => uploaded && answer && resolve({ ...answer, uploaded });
      const req = request({ host: "127.0.0.1", port: b.ports.http, method: "POST", path: "/", headers, agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          answer = { status: res.statusCode, body };
          settle();
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) => resolve({ body: "", uploaded, error: e.code }));
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 50) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end(() => {
          uploaded = true;
          settle();
        });
      };
      pump();
    });
    assert.equal(result.error, undefined, `chunked=${chunked}: ${result.error}`);
    assert.ok(result.uploaded);
    assert.equal(result.status, 413);
    assert.match(JSON.parse(result.body).error.message, /request body exceeds 1048576 bytes \(max_body_bytes\)/);
  }
  await healthy();
});

test("/echo: a deep JSON body is refused with the reason instead of a 500", async () => {
  const r = await fetch(b.url("/echo"), { method: "POST", headers: { "content-type": "application/json" }, body: nested(5000) });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /nested deeper than 100 levels/);
  const big = await rawPost(b.ports.http, "x".repeat(2 * 1024 * 1024), { "content-type": "text/plain" }, "/echo");
  assert.equal(big.status, 413);
  await healthy();
});

test("WebSocket: a deep frame gets an error frame, the connection and the server carry on", async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${b.ports.http}/ws`);
  const frames: any[] = [];
  const next = () => new Promise<any>((resolve) => ws.once("message", (d) => resolve(JSON.parse((d as Buffer).toString()))));
  await new Promise((r) => ws.once("open", r));
  for (const frame of [`{"jsonrpc":"2.0","id":${nested(5000)},"method":"m"}`, `{"id":1,"method":"m","params":[${nestedObject(5000)}]}`]) {
    const reply = next();
    ws.send(frame);
    frames.push(await reply);
  }
  for (const f of frames) {
    assert.equal(f.error.code, -32600);
    assert.match(f.error.message, /nested deeper than 100 levels/);
  }
  const reply = next();
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "after" }));
  assert.equal((await reply).result.method, "after");
  ws.close();
  await healthy();
});

test("a WebSocket repeat stream to a client that does not read stays bounded (backpressure)", async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${b.ports.http}/ws`);
  await new Promise((r) => ws.once("open", r));
  // 10,000 frames of ~100 KB = 1 GB if the server queued them all.
  ws.send(JSON.stringify({ id: 1, method: "m", params: [{ repeat_count: 10_000 }, "p".repeat(100_000)] }));
  const raw = (ws as unknown as { _socket: import("node:net").Socket })._socket;
  raw.pause();
  const rssBefore = process.memoryUsage().rss;
  await new Promise((r) => setTimeout(r, 1500));
  const grown = process.memoryUsage().rss - rssBefore;
  assert.ok(grown < 200 * 1024 * 1024, `server side grew ${Math.round(grown / 1e6)} MB while the client was not reading`);
  ws.terminate();
  await healthy();
});

test("admin API: ranges named, non-JSON bodies refused with what to send, deep bodies refused", async () => {
  const post = async (path: string, body: string, type = "application/json", method = "POST") => {
    const r = await fetch(b.adminUrl(path), { method, headers: { "content-type": type }, body });
    return { status: r.status, error: ((await r.json()) as { error: string }).error };
  };
  const negative = await post("/chain/advance", '{"blocks": -5}');
  assert.equal(negative.status, 400);
  assert.match(negative.error, /blocks: must be an integer from 1 to 1000000 \(got -5\)/);
  const fraction = await post("/chain/advance", '{"blocks": 1.5}');
  assert.match(fraction.error, /blocks: must be an integer from 1 to 1000000 \(got 1.5\)/);
  const seed = await post("/seed", '{"seed": 5000000000}');
  assert.match(seed.error, /seed: must be an integer from 0 to 4294967295/);

  const plain = await post("/rules", '{"method":"x"}', "text/plain");
  assert.equal(plain.status, 415);
  assert.match(plain.error, /send the body with Content-Type: application\/json \(got Content-Type "text\/plain"\)/);
  const none = await fetch(b.adminUrl("/rules"), { method: "PUT" });
  assert.equal(none.status, 400);
  assert.match(((await none.json()) as { error: string }).error, /no JSON body; send a JSON array of fault rules/);
  const garbage = await post("/rules", "{nope");
  assert.match(garbage.error, /body is not valid JSON/);
  const deep = await post("/rules", `{"method":"m","action":{"type":"jsonrpc_error","data":${nested(5000)}}}`);
  assert.equal(deep.status, 400);
  assert.match(deep.error, /nested deeper than 32 levels/);
  const journal = await fetch(b.adminUrl("/journal?limit=1e3"));
  assert.equal(journal.status, 400);
  assert.equal((await b.admin("GET", "/chain")).status, 200);
});

test("gRPC: numbers past 2^53 and unknown fields do not break the server", async () => {
  const client = b.grpcClient();
  const block: any = await grpcCall(client, "GetBlock", { number: "18446744073709551615" });
  assert.equal(typeof block.hash, "string");
  assert.deepEqual(await grpcCall(client, "HealthCheck", {}), { healthy: true, status: "ok" });
});
