import * as grpc from "@grpc/grpc-js";
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { grpcCall, metricsText, startTestBackend, waitFor, type TestBackend } from "./helper";

let b: TestBackend;
let client: any;
before(async () => {
  b = await startTestBackend({ chain: { mode: "manual", start_height: 40 }, streams: { grpc_interval_ms: 30 } });
  client = b.grpcClient();
});
after(() => b.close());
beforeEach(() => b.admin("DELETE", "/rules"));

function collect(start_height: number, cancelAfter?: number): Promise<{ blocks: any[]; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const blocks: any[] = [];
    const call = client.StreamBlocks({ start_height });
    call.on("data", (d: any) => {
      blocks.push(d);
      if (blocks.length === cancelAfter) call.cancel();
    });
    call.on("error", (error: grpc.ServiceError) => resolve({ blocks, error }));
    call.on("end", () => resolve({ blocks }));
  });
}

test("GetBlockHeight follows the simulated chain and agrees with eth_blockNumber", async () => {
  const r = await grpcCall<{ height: number }>(client, "GetBlockHeight", {});
  assert.equal(r.height, 40);
  await b.admin("POST", "/chain/advance", { blocks: 5 });
  assert.equal((await grpcCall<{ height: number }>(client, "GetBlockHeight", {})).height, 45);
  assert.equal((await b.rpc({ id: 1, method: "eth_blockNumber" })).json.result, "0x2d");
});

test("GetBlock echoes the number with the chain's hash and timestamp; HealthCheck is ok", async () => {
  const blk = await grpcCall<any>(client, "GetBlock", { number: 42 });
  const viaRpc = (await b.rpc({ id: 1, method: "eth_getBlockByNumber", params: ["0x2a", false] })).json.result;
  assert.deepEqual(blk, { number: 42, hash: viaRpc.hash, timestamp: parseInt(viaRpc.timestamp, 16), transactions: ["tx-42"] });
  assert.deepEqual(await grpcCall(client, "HealthCheck", {}), { healthy: true, status: "ok" });
});

test("StreamBlocks: consecutive blocks from start_height; stops when the client cancels", async () => {
  const { blocks, error } = await collect(7, 3);
  assert.deepEqual(
    blocks.map((x) => x.number),
    [7, 8, 9],
  );
  assert.equal(error?.code, grpc.status.CANCELLED);
  await waitFor("the gRPC stream gauge back to 0", async () => /demo_active_streams\{protocol="grpc"\} 0/.test(await metricsText(b.ports.metrics)));
});

test("unknown methods get UNIMPLEMENTED, not a hang", async () => {
  const raw = new grpc.Client(`127.0.0.1:${b.ports.grpc}`, grpc.credentials.createInsecure());
  const err = await new Promise<grpc.ServiceError>((resolve) =>
    raw.makeUnaryRequest(
      "/demo.DemoService/Nope",
      (x: Buffer) => x,
      (x: Buffer) => x,
      Buffer.alloc(0),
      (e) => resolve(e!),
    ),
  );
  assert.equal(err.code, grpc.status.UNIMPLEMENTED);
  raw.close();
});

test("faults: grpc_status, reset -> UNAVAILABLE, disconnect after K stream messages, metadata match", async () => {
  await b.admin("PUT", "/rules", [
    { protocol: "grpc", method: "GetBlock", headers: { "pocket-supplier": "s1" }, action: { type: "grpc_status", code: 8, message: "quota" } },
    { protocol: "grpc", method: "GetBlockHeight", action: { type: "reset" } },
    { protocol: "grpc", method: "StreamBlocks", action: { type: "disconnect", after_events: 2 } },
  ]);
  const md = new grpc.Metadata();
  md.set("pocket-supplier", "s1");
  await assert.rejects(grpcCall(client, "GetBlock", { number: 1 }, md), (e: grpc.ServiceError) => e.code === grpc.status.RESOURCE_EXHAUSTED && e.details === "quota");
  await grpcCall(client, "GetBlock", { number: 1 });
  await assert.rejects(grpcCall(client, "GetBlockHeight", {}), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
  const s = await collect(1);
  assert.equal(s.blocks.length, 2);
  assert.equal(s.error?.code, grpc.status.UNAVAILABLE);
});

test("Pocket-* metadata is journaled and the pod is named in response metadata", async () => {
  await b.admin("DELETE", "/journal");
  const md = new grpc.Metadata();
  md.set("pocket-service", "develop-grpc");
  md.set("pocket-application", "app1");
  const seen = await new Promise<grpc.Metadata>((resolve, reject) => {
    const call = client.GetBlockHeight({}, md, (e: Error | null) => e && reject(e));
    call.on("metadata", resolve);
  });
  assert.deepEqual(seen.get("x-backend-id"), ["test-backend"]);
  const j = (await b.admin("GET", "/journal?protocol=grpc&service=develop-grpc")).json;
  assert.equal(j.length, 1);
  assert.equal(j[0].headers["pocket-application"], "app1");
  assert.equal(j[0].method, "GetBlockHeight");
});
