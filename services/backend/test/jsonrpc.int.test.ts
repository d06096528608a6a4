import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { rawPost, startTestBackend, type TestBackend } from "./helper";

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ chain: { mode: "manual", start_height: 100 }, max_body_bytes: 4096 });
});
after(() => b.close());

test("echo result is byte-compatible with the reference (alphabetical keys) and names the pod", async () => {
  const r = await b.rpc({ jsonrpc: "2.0", id: 7, method: "eth_call", params: [{ to: "0x1" }, "latest"] });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.equal(r.headers.get("x-backend-id"), "test-backend");
  assert.equal(r.text, '{"id":7,"jsonrpc":"2.0","result":{"backend_id":"test-backend","method":"eth_call","params":[{"to":"0x1"},"latest"],"status":"ok"}}');
  const noParams = await b.rpc({ jsonrpc: "2.0", id: "a", method: "x" });
  assert.deepEqual(noParams.json.result.params, null);
});

test("any path that is not a known route is JSON-RPC", async () => {
  const r = await fetch(b.url("/v1/some/path"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":1,"method":"m"}' });
  assert.equal(((await r.json()) as any).result.method, "m");
});

test("batches: one answer per call, invalid members get -32600, empty batch is invalid", async () => {
  const r = await b.rpc([{ jsonrpc: "2.0", id: 1, method: "a" }, 5, { id: 3 }, { jsonrpc: "2.0", id: 4, method: "eth_blockNumber" }]);
  assert.equal(r.status, 200);
  assert.equal(r.json.length, 4);
  assert.equal(r.json[0].result.method, "a");
  assert.equal(r.json[1].error.code, -32600);
  assert.deepEqual([r.json[2].id, r.json[2].error.code], [3, -32600]);
  assert.equal(r.json[3].result, "0x64");
  const empty = await b.rpc([]);
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, -32600);
});

test("strict Content-Type: anything but application/json gets 200 + Invalid request", async () => {
  for (const ct of ["text/plain", "application/x-www-form-urlencoded"]) {
    const r = await rawPost(b.ports.http, '{"id":1,"method":"a"}', { "content-type": ct });
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid request"}}');
  }
  const none = await rawPost(b.ports.http, '{"id":1,"method":"a"}', {});
  assert.equal(JSON.parse(none.body).error.code, -32600);
  const charset = await rawPost(b.ports.http, '{"id":1,"method":"a"}', { "content-type": "application/json; charset=utf-8" });
  assert.equal(JSON.parse(charset.body).result.method, "a");
});

test("malformed JSON gets -32700; a JSON non-object gets -32600", async () => {
  const r = await b.rpc("{not json");
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { error: { code: -32700, message: "Parse error" }, id: null, jsonrpc: "2.0" });
  const s = await b.rpc('"hello"');
  assert.equal(s.json.error.code, -32600);
});

test("oversized bodies get a clear 413 (declared or streamed)", async () => {
  const big = JSON.stringify({ id: 1, method: "a", params: ["x".repeat(5000)] });
  const r = await rawPost(b.ports.http, big);
  assert.equal(r.status, 413);
  assert.match(JSON.parse(r.body).error.message, /exceeds 4096 bytes/);
  const chunked = await new Promise<number | undefined>((resolve) => {
    const req = request({ host: "127.0.0.1", port: b.ports.http, method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.write(big.slice(0, 3000));
    req.write(big.slice(3000));
    req.end();
  });
  assert.equal(chunked, 413);
});

test("chain methods: eth_blockNumber, eth_getBlockByNumber (tags, hex, future = null), eth_chainId", async () => {
  const [num, latest, h100, future, bad, chainId] = (
    await b.rpc([
      { id: 1, method: "eth_blockNumber" },
      { id: 2, method: "eth_getBlockByNumber", params: ["latest", false] },
      { id: 3, method: "eth_getBlockByNumber", params: ["0x64", false] },
      { id: 4, method: "eth_getBlockByNumber", params: ["0xffff", false] },
      { id: 5, method: "eth_getBlockByNumber", params: ["yesterday"] },
      { id: 6, method: "eth_chainId" },
    ])
  ).json;
  assert.equal(num.result, "0x64");
  assert.equal(latest.result.number, "0x64");
  assert.deepEqual(h100.result, latest.result);
  assert.match(latest.result.hash, /^0x[0-9a-f]{64}$/);
  assert.equal(future.result, null);
  assert.equal(bad.error.code, -32602);
  assert.equal(chainId.result, "0x539");
});

test("chain disabled: eth_* echo like the reference", async () => {
  const ref = await startTestBackend({ chain: { enabled: false } });
  try {
    const r = await ref.rpc({ id: 1, method: "eth_blockNumber" });
    assert.equal(r.json.result.method, "eth_blockNumber");
  } finally {
    await ref.close();
  }
});

test("legacy knobs: error_rate + error_codes (plain text), delay_ms, fat_payload_bytes, broken_compression", async () => {
  const x = await startTestBackend({ error_rate: 1, error_codes: [503], seed: 1 });
  try {
    const r = await x.rpc({ id: 1, method: "a" });
    assert.equal(r.status, 503);
    assert.equal(r.text, "injected error (code: 503)");
    await x.admin("PATCH", "/settings", { error_rate: 0, delay_ms: 120, fat_payload_bytes: 10, broken_compression: true });
    const t0 = performance.now();
    const slow = await rawPost(x.ports.http, '{"id":1,"method":"a"}', { "content-type": "application/json", "accept-encoding": "gzip" });
    assert.ok(performance.now() - t0 >= 115, "delay_ms applied");
    assert.equal(slow.headers!["content-encoding"], undefined, "gzip without Content-Encoding on purpose");
    const json = JSON.parse(gunzipSync(slow.raw!).toString());
    assert.equal(json.result.filler, "xxxxxxxxxx");
    assert.deepEqual(Object.keys(json.result), ["backend_id", "filler", "method", "params", "status"]);
  } finally {
    await x.close();
  }
});
