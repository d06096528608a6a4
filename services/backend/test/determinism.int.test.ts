import type { FaultRuleInput } from "../src/config";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import WebSocket from "ws";
import { grpcCall, startTestBackend, type TestBackend } from "./helper";

const rules: FaultRuleInput[] = [
  { method: "coin", probability: 0.5, action: { type: "jsonrpc_error" } },
  { method: "slow", latency: { ttfb: { type: "lognormal", median_ms: 5, sigma: 1, cap_ms: 20 } } },
];
let a: TestBackend, b: TestBackend, c: TestBackend;
before(async () => {
  const cfg = { seed: 1234, faults: rules, chain: { block_time_ms: 500 } };
  [a, b, c] = await Promise.all([startTestBackend(cfg), startTestBackend(cfg), startTestBackend({ ...cfg, seed: 999 })]);
});
after(() => Promise.all([a.close(), b.close(), c.close()]));

const flips = async (x: TestBackend) => {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) out.push((await x.rpc({ id: i, method: "coin" })).json.error ? "E" : "ok");
  return out.join(",");
};

test("same seed, same fault decisions; another seed, another sequence", async () => {
  const [fa, fb, fc] = [await flips(a), await flips(b), await flips(c)];
  assert.equal(fa, fb);
  assert.notEqual(fa, fc);
  assert.ok(fa.includes("E") && fa.includes("ok"));
});

test("re-seeding through the admin API replays the sequence", async () => {
  await a.admin("POST", "/seed", { seed: 77 });
  const first = await flips(a);
  await a.admin("POST", "/seed", { seed: 77 });
  assert.equal(await flips(a), first);
});

test("replicas agree on height and blocks (interval mode from a fixed genesis time)", async () => {
  const q = [
    { id: 1, method: "eth_blockNumber" },
    { id: 2, method: "eth_getBlockByNumber", params: ["0x10", false] },
  ];
  const height = async (x: TestBackend) => parseInt((await x.rpc({ id: 1, method: "eth_blockNumber" })).json.result, 16);
  // Height is a function of the clock both replicas share: read between two reads of the other,
  // it falls between them however slow the machine is.
  const before = await height(a);
  const [ra, rb] = [await a.rpc(q), await b.rpc(q)];
  const after = await height(a);
  const hb = parseInt(rb.json[0].result, 16);
  assert.ok(before <= hb && hb <= after, `b at ${hb}, a between ${before} and ${after}`);
  assert.deepEqual(ra.json[1].result, rb.json[1].result);
  const other = await c.rpc(q);
  assert.notEqual(other.json[1].result.hash, ra.json[1].result.hash, "the seed feeds the hashes");
  const beforeGrpc = await height(a);
  const ga = await grpcCall<{ height: number }>(a.grpcClient(), "GetBlockHeight", {});
  const afterGrpc = await height(a);
  assert.ok(beforeGrpc <= ga.height && ga.height <= afterGrpc, `gRPC ${ga.height}, JSON-RPC between ${beforeGrpc} and ${afterGrpc}`);
});

test("newHeads in interval mode arrive once per block time, identical across replicas", async () => {
  const heads = (x: TestBackend) =>
    new Promise<any[]>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${x.ports.http}/ws`);
      const got: any[] = [];
      ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "eth_subscribe", params: ["newHeads"] })));
      ws.on("message", (d) => {
        const m = JSON.parse((d as Buffer).toString());
        if (m.method === "eth_subscription") got.push(m.params.result);
        if (got.length === 2) {
          ws.close();
          resolve(got);
        }
      });
    });
  const [ha, hb] = await Promise.all([heads(a), heads(b)]);
  assert.equal(parseInt(ha[1].number, 16), parseInt(ha[0].number, 16) + 1);
  // The two subscriptions may start a block apart on a busy machine: each head either replica
  // pushed is the block the other one serves at that number.
  for (const [head, other] of [...ha.map((h) => [h, b] as const), ...hb.map((h) => [h, a] as const)]) {
    const block = (await other.rpc({ id: 1, method: "eth_getBlockByNumber", params: [head.number, false] })).json.result;
    assert.deepEqual(Object.fromEntries(Object.keys(head).map((k) => [k, block[k]])), head);
  }
});
