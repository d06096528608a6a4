import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestBackend, type TestBackend } from "./helper";

let b: TestBackend;
before(async () => {
  b = await startTestBackend({ chain: { mode: "manual", start_height: 5 }, journal: { capacity: 5 } });
});
after(() => b.close());

test("rules: add, list, delete by name, replace, clear; bad rules get 400 naming the field", async () => {
  const added = await b.admin("POST", "/rules", { name: "r1", method: "eth_call", action: { type: "http_status", status: 503 } });
  assert.equal(added.status, 201);
  assert.equal(added.json.name, "r1");
  await b.admin("POST", "/rules", { method: "x" });
  assert.deepEqual(
    (await b.admin("GET", "/rules")).json.map((r: any) => r.name),
    ["r1", "rule-1"],
  );
  assert.equal((await b.rpc({ id: 1, method: "eth_call" })).status, 503);
  assert.equal((await b.admin("DELETE", "/rules/r1")).status, 204);
  assert.equal((await b.admin("DELETE", "/rules/r1")).status, 404);
  assert.equal((await b.rpc({ id: 1, method: "eth_call" })).status, 200);
  const bad = await b.admin("PUT", "/rules", [{ method: "x", action: { type: "http_status", status: 999 } }]);
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /\[0\]\.action\.status: .*<=599.* \(got 999\)/);
  const unknown = await b.admin("POST", "/rules", { metod: "x" });
  assert.match(unknown.json.error, /unknown field "metod"; allowed fields: name, protocol, method/);
  const dup = await b.admin("PUT", "/rules", [{ name: "a" }, { name: "a" }]);
  assert.match(dup.json.error, /duplicate rule name "a"/);
  await b.admin("DELETE", "/rules");
  assert.deepEqual((await b.admin("GET", "/rules")).json, []);
});

test("settings and state: PATCH validates and applies at runtime", async () => {
  const r = await b.admin("PATCH", "/settings", { fat_payload_bytes: 3 });
  assert.equal(r.json.fat_payload_bytes, 3);
  assert.equal((await b.rpc({ id: 1, method: "m" })).json.result.filler, "xxx");
  assert.equal((await b.admin("PATCH", "/settings", { error_rate: "high" })).status, 400);
  await b.admin("PATCH", "/settings", { fat_payload_bytes: 0 });
  const state = (await b.admin("GET", "/state")).json;
  assert.equal(state.backend_id, "test-backend");
  assert.equal(state.chain.mode, "manual");
  const notJson = await fetch(b.adminUrl("/rules"), { method: "PUT", headers: { "content-type": "application/json" }, body: "{" });
  assert.equal(notJson.status, 400);
});

test("chain: advance on demand and set the height", async () => {
  assert.equal((await b.admin("GET", "/chain")).json.height, 5);
  assert.equal((await b.admin("POST", "/chain/advance", {})).json.height, 6);
  assert.equal((await b.admin("POST", "/chain/advance", { blocks: 4 })).json.height, 10);
  assert.equal((await b.admin("PUT", "/chain/height", { height: 100 })).json.height, 100);
  assert.equal((await b.rpc({ id: 1, method: "eth_blockNumber" })).json.result, "0x64");
});

test("echo endpoint reflects method, path, query, headers (Pocket-*) and body; journal records it", async () => {
  await b.admin("DELETE", "/journal");
  const res = await fetch(b.url("/echo/some/path?x=1"), {
    method: "POST",
    headers: { "content-type": "application/json", "Pocket-Supplier": "pokt1sup", "Pocket-Service": "develop-http", "Pocket-Application": "pokt1app" },
    body: '{"hello":"world"}',
  });
  assert.equal(res.headers.get("x-backend-id"), "test-backend");
  const e: any = await res.json();
  assert.deepEqual([e.method, e.path, e.query.x, e.json.hello], ["POST", "/echo/some/path", "1", "world"]);
  assert.deepEqual(e.pocket, { supplier: "pokt1sup", service: "develop-http", application: "pokt1app" });
  const j = (await b.admin("GET", "/journal?protocol=echo")).json;
  assert.equal(j.length, 1);
  assert.equal(j[0].headers["pocket-supplier"], "pokt1sup");
  assert.equal(j[0].body, '{"hello":"world"}');
});

test("journal: query by protocol/method/service, count, limit, bounded capacity, reset", async () => {
  await b.admin("DELETE", "/journal");
  for (let i = 0; i < 3; i++) await b.rpc({ id: i, method: "a" }, { "Pocket-Service": "s1" });
  await b.rpc({ id: 9, method: "b" }, { "Pocket-Service": "s2" });
  assert.equal((await b.admin("GET", "/journal/count?method=a")).json.count, 3);
  assert.equal((await b.admin("GET", "/journal/count?service=s2")).json.count, 1);
  const last = (await b.admin("GET", "/journal?limit=2")).json;
  assert.deepEqual(
    last.map((e: any) => e.method),
    ["a", "b"],
  );
  assert.equal(last[1].body, '{"id":9,"method":"b"}');
  assert.equal(last[1].status, 200);
  for (let i = 0; i < 6; i++) await b.rpc({ id: i, method: "c" });
  assert.equal((await b.admin("GET", "/journal/count")).json.count, 5, "capacity 5: oldest dropped");
  assert.equal((await b.admin("GET", "/journal?limit=x")).status, 400);
  await b.admin("DELETE", "/journal");
  assert.equal((await b.admin("GET", "/journal/count")).json.count, 0);
});

test("metrics text: reference names plus outcome and fault labels; /health and /ready", async () => {
  await b.admin("PUT", "/rules", [{ method: "bad", action: { type: "jsonrpc_error" } }]);
  await b.rpc({ id: 1, method: "bad" });
  await b.rpc({ id: 1, method: "good" });
  await fetch(b.url("/"), { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
  await b.admin("DELETE", "/rules");
  const m = await (await fetch(`http://127.0.0.1:${b.ports.metrics}/metrics`)).text();
  assert.match(m, /demo_requests_total\{protocol="http",method="bad",outcome="injected",fault="jsonrpc_error"\} 1/);
  assert.match(m, /demo_requests_total\{protocol="http",method="good",outcome="ok",fault="none"\} 1/);
  assert.match(m, /demo_requests_total\{protocol="http",method="invalid_content_type",outcome="client_error",fault="none"\} 1/);
  // One observation in the duration histogram; which bucket it lands in is the machine's timing.
  assert.match(m, /demo_request_duration_seconds_bucket\{le="0.005",protocol="http",method="good",outcome="ok"\} [01]\n/);
  assert.match(m, /demo_request_duration_seconds_bucket\{le="\+Inf",protocol="http",method="good",outcome="ok"\} 1\n/);
  assert.match(m, /demo_request_duration_seconds_count\{protocol="http",method="good",outcome="ok"\} 1\n/);
  assert.match(m, /demo_chain_height 100/);
  assert.equal(await (await fetch(b.url("/health"))).text(), '{"status":"healthy","service":"demo-backend"}\n');
  assert.equal((await fetch(b.url("/ready"))).status, 200);
  assert.equal((await fetch(b.url("/ws"))).status, 426);
});
