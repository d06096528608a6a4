/**
 * WebSocket on `/ws` (same port as JSON-RPC).
 *
 * Reference behaviour: every JSON message is answered with `repeat_count` frames (directive in
 * `params[0]`, default 1) spaced `delay_ms` apart, each result carrying `sequence` and `total`.
 * Added: `eth_subscribe("newHeads")` / `eth_unsubscribe` pushing one header per simulated block,
 * chain methods answered like over HTTP, fault rules per message (and on the handshake as method
 * `connection`), and clean errors: malformed JSON gets a -32700 frame instead of silence; protocol
 * violations (oversized or invalid frames) are closed by `ws` with 1009/1002 and never crash us.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { FaultAction } from "./config";
import { faultLabel, type FaultDecision } from "./faults";
import { chainResult } from "./http/jsonrpc";
import { nestingExceeds, tooDeepMessage } from "./json-limits";
import { sampleLatency, sleep } from "./latency";
import { since, type Outcome, type Series } from "./metrics";
import type { Runtime } from "./runtime";
import { encodeTextFrame, readPlainFrames } from "./ws-frames";
import { resultHead, resultTail } from "./ws-result";

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const errorFrame = (id: unknown, code: number, message: string, data?: unknown) =>
  JSON.stringify({ error: data === undefined ? { code, message } : { code, message, data }, id: id ?? null, jsonrpc: "2.0" });

/** Bytes queued for a client before we stop sending and stop reading from it. */
const SEND_HIGH_WATER = 1024 * 1024;
/** Messages answered at once per connection (repeat streams and delays keep them open). */
const MAX_IN_FLIGHT = 64;
/** Cap on the `delay_ms` directive (timers past 2^31 ms would silently fire after 1 ms). */
const MAX_DELAY_MS = 3_600_000;
const NO_FAULT: FaultAction = { type: "none" };
const NO_DIRECTIVE: Readonly<Record<string, unknown>> = Object.freeze({});

/** One message as received: when, its bytes, and their text. */
interface Message {
  start: number;
  data: Buffer;
  text: string;
}
/** A JSON-RPC request (its method checked to be a string). */
type Call = Record<string, unknown> & { method: string; id?: unknown; params?: unknown };

export interface WsHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

function rejectHandshake(socket: Duplex, status: number, text: string, backendId: string): void {
  socket.end(
    `HTTP/1.1 ${status} Injected\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` + `X-Backend-Id: ${backendId}\r\nConnection: close\r\n\r\n${text}`,
  );
}

export function createWsHandler(rt: Runtime): WsHandler {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: rt.config.websocket.max_payload_bytes,
    // Compression costs CPU on every frame and relayers do not need it for test traffic.
    perMessageDeflate: false,
  });
  // Give the handshake response our identity header too.
  wss.on("headers", (headers) => headers.push(`X-Backend-Id: ${rt.backendId}`));

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const start = performance.now();
    socket.on("error", () => socket.destroy());
    if (rt.draining) return rejectHandshake(socket, 503, "draining", rt.backendId);
    let d: FaultDecision | null = null;
    if (!rt.faults.empty) {
      const r = rt.faults.decide("websocket", "connection", (n) => req.headers[n] as string | undefined);
      d = r instanceof Promise ? await r : r;
    }
    const fault = faultLabel(d);
    if (d && d.ttfbMs > 0) await sleep(d.ttfbMs);
    const a = d?.action;
    if (a && a.type !== "none" && a.type !== "disconnect" && a.type !== "truncate") {
      rt.metrics.observe("websocket", "connection", "injected", fault, since(start));
      if (a.type === "reset") return void (socket as import("node:net").Socket).resetAndDestroy();
      if (a.type === "empty") return void socket.destroy();
      const status = a.type === "http_status" ? a.status : 500;
      return rejectHandshake(socket, status, a.type === "http_status" && a.body !== undefined ? a.body : `injected error (code: ${status})`, rt.backendId);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      rt.metrics.observe("websocket", "connection", fault === "none" ? "ok" : "injected", fault, since(start));
      onConnection(rt, ws, req, socket);
    });
  }

  return {
    handleUpgrade: (req, socket, head) =>
      void handleUpgrade(req, socket, head).catch((err: unknown) => {
        rt.log.error("websocket handshake failed", { error: err instanceof Error ? err.message : String(err) });
        socket.destroy();
      }),
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
function onConnection(rt: Runtime, ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
  const subs = new Map<string, () => void>();
  let closed = false;
  let onClosed: () => void = () => undefined;
  const closedSignal = new Promise<void>((resolve) => (onClosed = resolve));
  /** A pause that ends early when the connection closes, so no loop outlives its client. */
  const pause = (ms: number) => Promise.race([sleep(ms), closedSignal]);
  rt.metrics.activeStreams.inc({ protocol: "websocket" });
  const stop = () => ws.close(1001, "server shutting down");
  rt.streams.add(stop);
  ws.on("error", (err) => rt.log.debug("websocket protocol error", { error: err.message }));
  ws.on("close", () => {
    closed = true;
    onClosed();
    rt.streams.delete(stop);
    for (const unsub of subs.values()) unsub();
    subs.clear();
    rt.metrics.activeStreams.dec({ protocol: "websocket" });
  });
  const header = (n: string) => req.headers[n] as string | undefined;
  const path = req.url ?? "/ws";
  const headers = req.headers as Record<string, string>;
  const maxJournalBody = rt.config.journal.max_body_bytes;
  const backendIdJson = JSON.stringify(rt.backendId);
  // The series of the last method answered ok without a fault: clients mostly repeat one method.
  let okMethod: string | undefined;
  let okSeries: Series | undefined;
  // The frame ws.send would write. Without compression ws's sender queues nothing, so writing
  // it straight to the socket keeps it in order with what ws writes (pongs, close frames).
  const send = (text: string, cb?: () => void) => {
    if (!closed && ws.readyState === ws.OPEN) socket.write(encodeTextFrame(text), cb);
  };
  /** Cut the connection after the frame just sent is flushed (FIN, no close frame). */
  const drop = () => socket.destroy();

  // Messages being answered on this connection. Past the cap, or while the client is not reading
  // what we send, the socket is paused: TCP pushes back instead of our memory growing.
  let inFlight = 0;
  let waitingForDrain = false;
  const congested = () => ws.bufferedAmount > SEND_HIGH_WATER;
  const throttle = () => {
    const full = congested();
    if (full && !waitingForDrain) {
      waitingForDrain = true;
      socket.once("drain", () => {
        waitingForDrain = false;
        throttle();
      });
    }
    const hold = inFlight >= MAX_IN_FLIGHT || full;
    if (hold && !ws.isPaused) ws.pause();
    else if (!hold && ws.isPaused) ws.resume();
  };
  /** Resolves once the send buffer is below the high-water mark (or the socket closed). */
  const writable = () =>
    !congested() || closed
      ? undefined
      : new Promise<void>((resolve) => {
          const done = () => {
            socket.off("drain", done);
            socket.off("close", done);
            resolve();
          };
          socket.on("drain", done);
          socket.on("close", done);
        });

  const failed = (err: unknown) => {
    rt.log.error("websocket message failed", { error: err instanceof Error ? err.message : String(err) });
    send(errorFrame(null, -32603, "Internal error"));
  };
  // Most messages are answered before this returns; only those that wait (fault latency, repeat
  // streams, a full send buffer) stay in flight.
  const onText = (data: Buffer) => {
    inFlight++;
    let waiting: Promise<void> | undefined;
    try {
      waiting = onMessage(data);
    } catch (err) {
      failed(err);
    }
    if (!waiting) {
      inFlight--;
      if (congested()) throttle();
      return;
    }
    throttle();
    waiting.catch(failed).finally(() => {
      inFlight--;
      throttle();
    });
  };
  ws.on("message", (data) => onText(data as Buffer));
  readPlainFrames(socket, rt.config.websocket.max_payload_bytes, onText);

  /** Counts and journals one message; the decoded text stands in for the bytes when it is whole. */
  function done(m: Message, method: string, outcome: Outcome, fault: string, rule?: string): undefined {
    let series: Series;
    if (outcome === "ok" && fault === "none") {
      if (method !== okMethod || okSeries === undefined) {
        okSeries = rt.metrics.series("websocket", method, "ok", "none");
        okMethod = method;
      }
      series = okSeries;
    } else series = rt.metrics.series("websocket", method, outcome, fault);
    rt.metrics.count(series, since(m.start));
    rt.journal.record({ protocol: "websocket", method, path, headers, body: m.data.length <= maxJournalBody ? m.text : m.data, fault, rule });
    return undefined;
  }

  /** Answers one message; a Promise only when it has to wait. */
  function onMessage(data: Buffer): Promise<void> | undefined {
    const m: Message = { start: performance.now(), data, text: data.toString("utf8") };
    if (nestingExceeds(data, rt.config.max_json_depth)) {
      send(errorFrame(null, -32600, `Invalid request: ${tooDeepMessage(rt.config.max_json_depth)}`));
      return done(m, "too_deep", "client_error", "none");
    }
    let msg: unknown;
    try {
      msg = JSON.parse(m.text);
    } catch {
      send(errorFrame(null, -32700, "Parse error"));
      return done(m, "parse_error", "client_error", "none");
    }
    if (!isObject(msg) || typeof msg.method !== "string") {
      send(errorFrame(isObject(msg) ? msg.id : null, -32600, "Invalid request"));
      return done(m, "invalid_request", "client_error", "none");
    }
    const call = msg as Call;
    if (rt.faults.empty) return answer(m, call, null);
    const r = rt.faults.decide("websocket", call.method, header);
    return r instanceof Promise ? r.then((d) => afterLatency(m, call, d)) : afterLatency(m, call, r);
  }

  function afterLatency(m: Message, call: Call, d: FaultDecision | null): Promise<void> | undefined {
    return d && d.ttfbMs > 0 ? pause(d.ttfbMs).then(() => answer(m, call, d)) : answer(m, call, d);
  }

  function answer(m: Message, msg: Call, d: FaultDecision | null): Promise<void> | undefined {
    const method = msg.method;
    const id = msg.id ?? null;
    const fault = faultLabel(d);
    const outcome: Outcome = fault === "none" ? "ok" : "injected";
    const rule = d?.rule;
    if (closed) return done(m, method, "cancelled", fault, rule);
    const a: FaultAction = d?.action ?? NO_FAULT;
    const disconnectAfter = a.type === "disconnect" ? a.after_events : undefined;

    switch (a.type) {
      case "jsonrpc_error":
        send(errorFrame(id, a.code, a.message, a.data));
        return done(m, method, outcome, fault, rule);
      case "http_status":
      case "grpc_status":
        ws.close(1011, `injected status ${a.type === "http_status" ? a.status : a.code}`);
        return done(m, method, outcome, fault, rule);
      case "reset":
        (socket as import("node:net").Socket).resetAndDestroy();
        return done(m, method, outcome, fault, rule);
      case "empty":
        return done(m, method, outcome, fault, rule);
      case "truncate": {
        const full = JSON.stringify({ id, jsonrpc: "2.0", result: { backend_id: rt.backendId, method, status: "ok" } });
        send(full.slice(0, Math.floor(full.length * a.fraction)));
        return done(m, method, outcome, fault, rule);
      }
      default:
        break;
    }
    if (disconnectAfter === 0) {
      drop();
      return done(m, method, outcome, fault, rule);
    }

    if (rt.config.chain.enabled && method === "eth_subscribe") {
      const params = Array.isArray(msg.params) ? msg.params : [];
      if (params[0] !== "newHeads") {
        send(errorFrame(id, -32602, `unsupported subscription ${JSON.stringify(params[0] ?? null)}; supported: newHeads`));
        return done(m, method, "client_error", fault, rule);
      }
      const subId = `0x${Math.floor(rt.rng.next() * 2 ** 32)
        .toString(16)
        .padStart(8, "0")}${(subs.size + 1).toString(16).padStart(8, "0")}`;
      send(JSON.stringify({ id, jsonrpc: "2.0", result: subId }));
      let pushed = 0;
      const unsub = rt.chain.onBlock((h) => {
        pushed++;
        const last = disconnectAfter !== undefined && pushed >= disconnectAfter;
        send(JSON.stringify({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription: subId, result: rt.chain.header(h) } }), last ? drop : undefined);
      });
      subs.set(subId, unsub);
      return done(m, method, outcome, fault, rule);
    }
    if (rt.config.chain.enabled && method === "eth_unsubscribe") {
      const target: unknown = Array.isArray(msg.params) ? msg.params[0] : undefined;
      const unsub = typeof target === "string" ? subs.get(target) : undefined;
      if (unsub) {
        unsub();
        subs.delete(target as string);
      }
      send(JSON.stringify({ id, jsonrpc: "2.0", result: unsub !== undefined }));
      return done(m, method, outcome, fault, rule);
    }
    const chainAnswer = rt.config.chain.enabled ? chainResult(rt, { id, method, params: msg.params }) : undefined;
    if (chainAnswer) {
      send(JSON.stringify(chainAnswer));
      return done(m, method, outcome, fault, rule);
    }

    // The reference's subscription simulation: N frames, delay_ms apart. The first goes out now.
    const directive = Array.isArray(msg.params) && isObject(msg.params[0]) ? msg.params[0] : NO_DIRECTIVE;
    const rc = Number(directive.repeat_count ?? 1);
    const total = Number.isInteger(rc) && rc >= 1 ? Math.min(rc, rt.config.websocket.max_repeat_count) : 1;
    const dm = Number(directive.delay_ms ?? 0);
    const delay = Number.isFinite(dm) && dm > 0 ? Math.min(dm, MAX_DELAY_MS) : 0;
    const head = resultHead(backendIdJson, id, method, msg.params ?? null);
    const tail = resultTail(total);
    const lastFirst = disconnectAfter !== undefined && 1 >= disconnectAfter;
    send(head + 1 + tail, lastFirst ? drop : undefined);
    if (lastFirst || (total === 1 && (!congested() || closed))) return done(m, method, closed ? "cancelled" : outcome, fault, rule);
    return repeat(m, method, head, tail, total, delay, d, disconnectAfter, outcome, fault, rule);
  }

  /** Frames 2..total of an answer (frame 1 is sent), then counts it. */
  async function repeat(
    m: Message,
    method: string,
    head: string,
    tail: string,
    total: number,
    delay: number,
    d: FaultDecision | null,
    disconnectAfter: number | undefined,
    outcome: Outcome,
    fault: string,
    rule: string | undefined,
  ): Promise<void> {
    const isLast = (seq: number) => disconnectAfter !== undefined && seq >= disconnectAfter;
    for (let seq = 1; ; seq++) {
      await writable();
      if (seq >= total) break;
      await pause(d?.interval ? sampleLatency(d.interval, rt.rng) : delay);
      if (closed) break;
      send(head + (seq + 1) + tail, isLast(seq + 1) ? drop : undefined);
      if (isLast(seq + 1)) break;
    }
    done(m, method, closed ? "cancelled" : outcome, fault, rule);
  }
}
