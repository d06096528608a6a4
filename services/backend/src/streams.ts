/**
 * SSE (`/stream/sse`) and NDJSON (`/stream/ndjson`) event streams.
 *
 * Wire format as in the reference: `{"sequence":n,"timestamp":<unix s>,"type":"update"}` every
 * interval (SSE 200 ms, above the relayer's 100 ms batch flush so each event is signed on its own;
 * NDJSON 1 s), first event one interval after the headers. `batches` (query wins, else the JSON
 * body's `batches`) ends the stream cleanly after N events; 0 = endless. Unlike the reference, the
 * ticker stops when the client goes away, and streams end cleanly when the process drains.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LatencySpec } from "./config";
import { faultLabel, type FaultDecision } from "./faults";
import { BodyTooLarge, readBody, sendTooLarge } from "./http/body";
import { applyTransportFault } from "./http/transport-faults";
import { sampleLatency, sleep } from "./latency";
import { since, type Outcome } from "./metrics";
import type { Runtime } from "./runtime";

export type StreamKind = "sse" | "ndjson";

const formats: Record<StreamKind, { contentType: string; frame: (json: string) => string }> = {
  sse: { contentType: "text/event-stream", frame: (j) => `data: ${j}\n\n` },
  ndjson: { contentType: "application/x-ndjson", frame: (j) => `${j}\n` },
};

function eventJson(sequence: number): string {
  return JSON.stringify({ sequence, timestamp: Math.floor(Date.now() / 1000), type: "update" });
}

/** `?batches=N` wins; else `{"batches":N}` in a JSON body (what `relay stream --batches` sends). */
async function batchesOf(rt: Runtime, req: IncomingMessage, url: URL): Promise<number> {
  const q = url.searchParams.get("batches");
  if (q !== null) {
    const n = Number(q);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return 0;
  const buf = await readBody(req, rt.config.max_body_bytes);
  try {
    const b = (JSON.parse(buf.toString("utf8")) as { batches?: unknown }).batches;
    return typeof b === "number" && Number.isInteger(b) && b >= 0 ? b : 0;
  } catch {
    return 0;
  }
}

export async function handleStream(rt: Runtime, req: IncomingMessage, res: ServerResponse, kind: StreamKind, url: URL): Promise<void> {
  const start = performance.now();
  const fmt = formats[kind];
  const done = (outcome: Outcome, fault: string, status?: number, rule?: string) => {
    rt.metrics.observe(kind, "stream", outcome, fault, since(start));
    rt.journal.record({ protocol: kind, method: "stream", path: url.pathname, headers: req.headers as Record<string, string>, status, fault, rule });
  };
  if (rt.draining) {
    res.writeHead(503, { "content-type": "text/plain", "x-backend-id": rt.backendId, connection: "close" }).end("draining");
    done("client_error", "none", 503);
    return;
  }

  let batches: number;
  try {
    batches = await batchesOf(rt, req, url);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      sendTooLarge(res, rt.backendId, e);
      done("client_error", "none", 413);
    } else req.socket.destroy();
    return;
  }

  let decision: FaultDecision | null = null;
  if (!rt.faults.empty) {
    const d = rt.faults.decide(kind, url.pathname, (n) => req.headers[n] as string | undefined);
    decision = d instanceof Promise ? await d : d;
  }
  const fault = faultLabel(decision);
  if (decision && decision.ttfbMs > 0) await sleep(decision.ttfbMs);
  const action = decision?.action;
  if (action && action.type !== "none" && action.type !== "disconnect") {
    if (action.type === "jsonrpc_error") {
      const body = JSON.stringify({ error: { code: action.code, message: action.message }, id: null, jsonrpc: "2.0" });
      res.writeHead(200, { "content-type": "application/json", "x-backend-id": rt.backendId }).end(body);
      done("injected", fault, 200, decision!.rule);
      return;
    }
    const status = applyTransportFault(req, res, action, rt.backendId, Buffer.from(fmt.frame(eventJson(1))), fmt.contentType);
    done("injected", fault, status, decision!.rule);
    return;
  }

  res.writeHead(200, {
    "content-type": fmt.contentType,
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-backend-id": rt.backendId,
    // Stops nginx-style proxies from buffering the stream.
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  rt.metrics.activeStreams.inc({ protocol: kind });

  const defaultInterval = kind === "sse" ? rt.config.streams.sse_interval_ms : rt.config.streams.ndjson_interval_ms;
  const interval: LatencySpec | undefined = decision?.interval;
  const disconnectAfter = action?.type === "disconnect" ? action.after_events : undefined;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  // "drop" closes with FIN but no chunked terminator: the client sees a stream cut mid-way. FIN
  // rather than RST so the events already sent are not discarded by the client's kernel.
  const end = (outcome: Outcome, how: "end" | "drop" | "none") => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    rt.streams.delete(stop);
    rt.metrics.activeStreams.dec({ protocol: kind });
    if (how === "end") res.end();
    else if (how === "drop") req.socket.destroy();
    done(outcome, fault, 200, decision?.rule);
  };
  const stop = () => end("ok", "end");
  rt.streams.add(stop);
  // The client left: stop ticking (the reference leaks its ticker here).
  res.on("close", () => end("cancelled", "none"));

  const tick = () => {
    if (batches > 0 && sent >= batches) return end(fault === "none" ? "ok" : "injected", "end");
    const wait = interval ? sampleLatency(interval, rt.rng) : defaultInterval;
    timer = setTimeout(() => {
      sent++;
      const last = disconnectAfter !== undefined && sent >= disconnectAfter;
      // Drop only once the K-th event is flushed, so the client really receives K events.
      res.write(fmt.frame(eventJson(sent)), () => (last ? end("injected", "drop") : undefined));
      if (!last) tick();
    }, wait);
  };
  // after_events: 0 drops the stream right after the headers.
  if (disconnectAfter === 0) return end("injected", "drop");
  tick();
}
