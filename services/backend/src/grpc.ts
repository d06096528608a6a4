/**
 * gRPC `demo.DemoService` on its own port. Unknown methods get UNIMPLEMENTED from grpc-js itself.
 *
 * Blocks come from the simulated chain (same hashes as JSON-RPC), so GetBlockHeight agrees with
 * eth_blockNumber across replicas; with `chain.enabled: false` GetBlockHeight answers 1 and blocks
 * use the reference's `hash-<n>` / `tx-<n>` values. HealthCheck is never faulted or counted (as in
 * the reference): it is what probes call.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { join } from "node:path";
import { faultLabel, type FaultDecision } from "./faults";
import { sampleLatency, sleep } from "./latency";
import { since, type Outcome } from "./metrics";
import type { Runtime } from "./runtime";

/** Resolved relative to this file so it works from src/ (tsx) and dist/ (built image). */
export const PROTO_PATH = join(__dirname, "..", "proto", "demo.proto");

export function loadDemoProto(): grpc.GrpcObject {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: Number, defaults: true });
  return grpc.loadPackageDefinition(def);
}

interface BlockMsg {
  number: number;
  hash: string;
  timestamp: number;
  transactions: string[];
}

function blockMsg(rt: Runtime, n: number): BlockMsg {
  if (!rt.config.chain.enabled) {
    return { number: n, hash: `hash-${n}`, timestamp: Math.floor(Date.now() / 1000), transactions: [`tx-${n}`] };
  }
  return { number: n, hash: rt.chain.hash(n), timestamp: rt.chain.timestamp(n), transactions: [`tx-${n}`] };
}

/** gRPC status for a fault action (grpc-js gives no hook for transport-level faults). */
function statusFor(d: FaultDecision): { code: grpc.status; details: string } | undefined {
  const a = d.action;
  switch (a.type) {
    case "none":
      return undefined;
    case "grpc_status":
      return { code: a.code, details: a.message };
    case "jsonrpc_error":
      return { code: grpc.status.INTERNAL, details: `${a.code}: ${a.message}` };
    case "http_status":
      return { code: grpc.status.INTERNAL, details: `injected error (code: ${a.status})` };
    case "truncate":
      return { code: grpc.status.INTERNAL, details: "injected truncated response" };
    case "reset":
    case "empty":
    case "disconnect":
      return { code: grpc.status.UNAVAILABLE, details: `injected ${a.type}` };
  }
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

async function decide(rt: Runtime, method: string, call: AnyCall): Promise<FaultDecision | null> {
  if (rt.faults.empty) return null;
  const r = rt.faults.decide("grpc", method, (n) => {
    const v = call.metadata.get(n)[0];
    return v === undefined ? undefined : String(v);
  });
  return r instanceof Promise ? await r : r;
}

function record(rt: Runtime, method: string, call: AnyCall, body: unknown, code: number, d: FaultDecision | null, outcome: Outcome, start: number): void {
  const fault = faultLabel(d);
  rt.metrics.observe("grpc", method, outcome, fault, since(start));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(call.metadata.getMap())) headers[k] = String(v);
  rt.journal.record({ protocol: "grpc", method, path: `/demo.DemoService/${method}`, headers, body: JSON.stringify(body), status: code, fault, rule: d?.rule });
}

/** Initial metadata naming the pod, the gRPC twin of the X-Backend-Id header. */
function sendIdentity(rt: Runtime, call: AnyCall): void {
  const md = new grpc.Metadata();
  md.set("x-backend-id", rt.backendId);
  call.sendMetadata(md);
}

/** A handler that throws answers INTERNAL for that call; the server keeps serving. */
function failed(rt: Runtime, method: string, answer: (e: { code: grpc.status; details: string }) => void) {
  return (err: unknown) => {
    rt.log.error("grpc call failed", { method, error: err instanceof Error ? err.message : String(err) });
    answer({ code: grpc.status.INTERNAL, details: "internal error" });
  };
}

function unary<Req, Res>(rt: Runtime, method: string, answer: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let answered = false;
    const once: grpc.sendUnaryData<Res> = (err, value) => {
      if (answered) return;
      answered = true;
      callback(err, value);
    };
    run(call, once).catch(failed(rt, method, (e) => once(e)));
  };
  async function run(call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): Promise<void> {
    const start = performance.now();
    sendIdentity(rt, call);
    const d = await decide(rt, method, call);
    if (d && d.ttfbMs > 0) await sleep(d.ttfbMs);
    const st = d ? statusFor(d) : undefined;
    if (st) {
      callback({ code: st.code, details: st.details });
      return record(rt, method, call, call.request, st.code, d, "injected", start);
    }
    callback(null, answer(call.request));
    record(rt, method, call, call.request, grpc.status.OK, d, d ? "injected" : "ok", start);
  }
}

export function createGrpcServer(rt: Runtime): grpc.Server {
  const proto = loadDemoProto() as unknown as { demo: { DemoService: grpc.ServiceClientConstructor } };
  const server = new grpc.Server({ "grpc.max_receive_message_length": rt.config.max_body_bytes });
  const identity = (call: AnyCall) => sendIdentity(rt, call);

  const streamBlocks: grpc.handleServerStreamingCall<{ start_height: number }, BlockMsg> = (call) =>
    void runStream(call).catch(failed(rt, "StreamBlocks", (e) => call.emit("error", e)));
  const runStream = async (call: grpc.ServerWritableStream<{ start_height: number }, BlockMsg>): Promise<void> => {
    const start = performance.now();
    identity(call);
    const d = await decide(rt, "StreamBlocks", call);
    if (d && d.ttfbMs > 0) await sleep(d.ttfbMs);
    const a = d?.action;
    const st = d && a?.type !== "disconnect" ? statusFor(d) : undefined;
    if (st) {
      call.emit("error", { code: st.code, details: st.details });
      return record(rt, "StreamBlocks", call, call.request, st.code, d, "injected", start);
    }
    rt.metrics.activeStreams.inc({ protocol: "grpc" });
    let n = call.request.start_height;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (outcome: Outcome, code: number, how?: () => void) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      rt.streams.delete(stop);
      rt.metrics.activeStreams.dec({ protocol: "grpc" });
      how?.();
      record(rt, "StreamBlocks", call, call.request, code, d, outcome, start);
    };
    const stop = () => finish("ok", grpc.status.OK, () => call.end());
    rt.streams.add(stop);
    call.on("cancelled", () => finish("cancelled", grpc.status.CANCELLED));
    const after = a?.type === "disconnect" ? a.after_events : undefined;
    const tick = () => {
      if (after !== undefined && sent >= after) {
        return finish("injected", grpc.status.UNAVAILABLE, () => call.emit("error", { code: grpc.status.UNAVAILABLE, details: "injected disconnect" }));
      }
      const wait = d?.interval ? sampleLatency(d.interval, rt.rng) : rt.config.streams.grpc_interval_ms;
      timer = setTimeout(() => {
        call.write(blockMsg(rt, n++));
        sent++;
        tick();
      }, wait);
    };
    tick();
  };

  server.addService(proto.demo.DemoService.service, {
    GetBlockHeight: unary<unknown, { height: number }>(rt, "GetBlockHeight", () => ({ height: rt.config.chain.enabled ? rt.chain.height() : 1 })),
    GetBlock: unary<{ number: number }, BlockMsg>(rt, "GetBlock", (req) => blockMsg(rt, req.number)),
    StreamBlocks: streamBlocks,
    HealthCheck: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<{ healthy: boolean; status: string }>) => {
      identity(call);
      cb(null, { healthy: !rt.draining, status: rt.draining ? "draining" : "ok" });
    },
  });
  return server;
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
}

/** Graceful: lets in-flight calls finish (streams were ended by drain), then forces after `graceMs`. */
export function shutdownGrpc(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
