/**
 * Property tests: hostile JSON-RPC bodies, echo bodies, admin writes, WebSocket frames and gRPC
 * payloads against the real process (one worker, so a crash is a dead process) over real sockets.
 * Every answer must be a 2xx/4xx (or the protocol's own refusal), /health must keep answering,
 * memory must stay bounded, and the process guard must never have had to catch anything.
 *
 * Bounded for CI: a fixed seed and BACKEND_FUZZ_RUNS cases per property (default 25). Longer or
 * different runs: BACKEND_FUZZ_RUNS=500 BACKEND_FUZZ_SEED=7 node scripts/run-tests.mjs unit fuzz
 */
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import WebSocket from "ws";
import { rawPost } from "./helper";
import { hostileAdminWrite, hostileBody, hostileFrame, hostileProtobuf } from "./hostile";
import { ephemeral, runBackend, type ListeningLine } from "./spawn";

const numRuns = Number(process.env.BACKEND_FUZZ_RUNS ?? 25);
const seed = Number(process.env.BACKEND_FUZZ_SEED ?? 14);
const params = { numRuns, seed, endOnFailure: true };
const timeout = { timeout: Math.max(120_000, numRuns * 4000) };
/**
 * The heap is capped, so a leak of retained bodies is a dead process rather than a number that
 * depends on when the collector last ran on a loaded machine.
 */
const HEAP_LIMIT_MB = 192;
/** Resident growth allowed between two equal rounds of near-limit bodies (a leak adds ~270 MB). */
const RSS_GROWTH_LIMIT_MB = 150;

/** Mostly JSON, sometimes what strict nodes refuse. */
const contentType = fc.oneof({ arbitrary: fc.constant("application/json"), weight: 4 }, fc.constantFrom("application/json; charset=utf-8", "text/plain"));

let proc: ReturnType<typeof runBackend>;
let ports: ListeningLine;

before(async () => {
  const nodeOptions = [process.env.NODE_OPTIONS, `--max-old-space-size=${HEAP_LIMIT_MB}`].filter(Boolean).join(" ");
  proc = runBackend(`${ephemeral}workers: 1\nlog_level: info\nbackend_id: fuzz\n`, { NODE_OPTIONS: nodeOptions });
  ports = await proc.listening;
});
after(() => {
  if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
});

function rssMb(): number {
  const kb = Number(execFileSync("ps", ["-o", "rss=", "-p", String(proc.child.pid)], { encoding: "utf8" }).trim());
  return kb / 1024;
}

async function stillServing(): Promise<void> {
  assert.equal(proc.child.exitCode, null, `the backend exited: ${proc.output().stderr.slice(-2000)}`);
  const r = await fetch(`http://127.0.0.1:${ports.http}/health`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(r.status, 200);
}

const jsonOrNothing = (text: string) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

test("hostile JSON-RPC bodies get 200/400/413 with a JSON answer", timeout, async () => {
  await fc.assert(
    fc.asyncProperty(hostileBody, contentType, async (body, type) => {
      const r = await rawPost(ports.http, body, { "content-type": type });
      assert.equal(r.error, undefined, `transport error ${r.error}`);
      assert.ok([200, 400, 413].includes(r.status!), `status ${r.status}: ${r.body.slice(0, 200)}`);
      assert.notEqual(jsonOrNothing(r.body), undefined, `not JSON: ${r.body.slice(0, 200)}`);
    }),
    params,
  );
  await stillServing();
});

test("hostile /echo bodies get 200/400/413", timeout, async () => {
  await fc.assert(
    fc.asyncProperty(hostileBody, async (body) => {
      const r = await rawPost(ports.http, body, { "content-type": "application/json" }, "/echo/fuzz?q=1");
      assert.equal(r.error, undefined, `transport error ${r.error}`);
      assert.ok([200, 400, 413].includes(r.status!), `status ${r.status}: ${r.body.slice(0, 200)}`);
    }),
    params,
  );
  await stillServing();
});

test("hostile admin writes get a 2xx or a 4xx with an error message, never a 5xx", timeout, async () => {
  await fc.assert(
    fc.asyncProperty(hostileAdminWrite, async ({ route: { method, path }, contentType, body }) => {
      const r = await fetch(`http://127.0.0.1:${ports.admin}${path}`, {
        method,
        headers: contentType ? { "content-type": contentType } : {},
        body: method === "GET" ? undefined : body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      assert.ok(r.status < 500, `${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
      if (r.status >= 400) assert.equal(typeof (jsonOrNothing(text) as { error?: unknown })?.error, "string", text.slice(0, 200));
    }),
    params,
  );
  // Leave no rule behind that would fault the next property's traffic.
  await fetch(`http://127.0.0.1:${ports.admin}/rules`, { method: "DELETE" });
  await fetch(`http://127.0.0.1:${ports.admin}/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ error_rate: 0, delay_ms: 0, fat_payload_bytes: 0, broken_compression: false }),
  });
  await stillServing();
});

/** Sends a frame, then a probe; resolves when the probe is answered or the socket was closed by protocol. */
function frameThenProbe(frame: { data: Buffer; binary: boolean }): Promise<{ probe: boolean; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ports.http}/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("no answer to the probe within 20 s"));
    }, 20_000);
    const finish = (r: { probe: boolean; closeCode?: number }) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(r);
    };
    ws.on("error", () => undefined);
    ws.on("open", () => {
      ws.send(frame.data, { binary: frame.binary });
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: "probe", method: "probe" }));
    });
    ws.on("message", (d) => {
      if ((jsonOrNothing((d as Buffer).toString()) as { id?: unknown })?.id === "probe") finish({ probe: true });
    });
    ws.on("close", (code) => finish({ probe: false, closeCode: code }));
  });
}

test("hostile WebSocket frames: the probe after them is answered, or the socket closes with a protocol code", timeout, async () => {
  await fc.assert(
    fc.asyncProperty(hostileFrame, async (frame) => {
      const r = await frameThenProbe(frame);
      // 1009: frame above websocket.max_payload_bytes; 1007: invalid UTF-8 in a text frame.
      if (!r.probe) assert.ok([1009, 1007].includes(r.closeCode!), `closed with ${r.closeCode}`);
    }),
    params,
  );
  await stillServing();
});

test("hostile gRPC payloads get a status (OK or an error), and HealthCheck still answers", timeout, async () => {
  const client = new grpc.Client(`127.0.0.1:${ports.grpc}`, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  try {
    await fc.assert(
      fc.asyncProperty(hostileProtobuf, fc.constantFrom("GetBlockHeight", "GetBlock", "StreamBlocks", "HealthCheck", "Nope"), async (payload, method) => {
        const path = `/demo.DemoService/${method}`;
        const deadline = Date.now() + 10_000;
        const code = await new Promise<number>((resolve) => {
          if (method === "StreamBlocks") {
            const call = client.makeServerStreamRequest(path, identity, identity, payload, new grpc.Metadata(), { deadline });
            call.on("data", () => call.cancel());
            call.on("error", (e: grpc.ServiceError) => resolve(e.code));
            call.on("status", (s: grpc.StatusObject) => resolve(s.code));
          } else {
            client.makeUnaryRequest(path, identity, identity, payload, new grpc.Metadata(), { deadline }, (err) => resolve(err ? err.code : grpc.status.OK));
          }
        });
        assert.notEqual(code, grpc.status.DEADLINE_EXCEEDED, `${method} never answered`);
        assert.notEqual(code, grpc.status.UNAVAILABLE, `${method}: server unavailable`);
      }),
      params,
    );
  } finally {
    client.close();
  }
  await stillServing();
});

test("memory stays bounded under a stream of near-limit bodies with unique methods", timeout, async () => {
  // The journal keeps 1000 entries; a kept slice of each body would pin ~1 MB per entry, past the
  // heap cap within one round, and a kept Buffer would show as resident growth in the second round.
  const filler = "y".repeat(900_000);
  const round = async (from: number) => {
    for (let i = from; i < from + 300; i++) {
      const r = await rawPost(ports.http, `{"jsonrpc":"2.0","id":${i},"method":"m${i}${"z".repeat(300)}","params":["${filler}${i}"]}`);
      assert.equal(r.status, 200);
    }
    await stillServing();
    return rssMb();
  };
  const first = await round(0);
  const second = await round(300);
  assert.ok(
    second - first < RSS_GROWTH_LIMIT_MB,
    `RSS grew ${Math.round(second - first)} MB (${Math.round(first)} → ${Math.round(second)}) over a second round; allowed ${RSS_GROWTH_LIMIT_MB} MB`,
  );
});

test("the process guard never had to catch anything", () => {
  assert.doesNotMatch(proc.output().stderr, /uncaught error|request failed|call failed|message failed/);
});
