/**
 * The JSON-RPC hot path (`/` and any path no other route claims), on bare node:http: the benchmark
 * shows express's body parser + res.json costing several times the whole handler here.
 *
 * Order, as in the reference: Content-Type check -> delay_ms -> error_rate -> parse -> answer; then
 * our fault rules per call, which the reference does not have. Key order in bodies is alphabetical
 * (`id`, `jsonrpc`, `result`; `backend_id`, `filler`, `method`, `params`, `status`) because that is
 * what the reference's Go map marshalling produces and some scripts compare bytes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { faultLabel, type FaultDecision } from "../faults";
import { sleep } from "../latency";
import { since, type Outcome } from "../metrics";
import type { Runtime } from "../runtime";
import { nestingExceeds, tooDeepMessage } from "../json-limits";
import { BodyTooLarge, readBody, sendTooLarge } from "./body";
import type { FastAnswer, FastRequest } from "./fast-path";
import { applyTransportFault, injectedText, isTransportFault } from "./transport-faults";

const INVALID_CONTENT_TYPE = Buffer.from('{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid request"}}');

type Json = unknown;
interface Call {
  id?: Json;
  method?: unknown;
  params?: Json;
}
interface Answer {
  body: object;
  method: string;
  outcome: Outcome;
  fault: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function send(rt: Runtime, res: ServerResponse, status: number, body: Buffer, contentType = "application/json"): void {
  res.writeHead(status, { "content-type": contentType, "content-length": body.length, "x-backend-id": rt.backendId });
  res.end(body);
}

function errorBody(id: Json, code: number, message: string, data?: unknown): object {
  const error: Record<string, unknown> = { code, message };
  if (data !== undefined) error.data = data;
  return { error, id: id ?? null, jsonrpc: "2.0" };
}

export function handleJsonRpc(rt: Runtime, req: IncomingMessage, res: ServerResponse): void {
  const start = performance.now();
  const ct = req.headers["content-type"];
  if (ct === undefined || !ct.toLowerCase().startsWith("application/json")) {
    // Mimics strict nodes (anvil): HTTP 200 with a JSON-RPC error, not a 415.
    req.resume();
    send(rt, res, 200, INVALID_CONTENT_TYPE);
    finish(rt, req, start, [{ method: "invalid_content_type", outcome: "client_error", fault: "none" }], 200, undefined);
    return;
  }
  readBody(req, rt.config.max_body_bytes)
    .then(
      (buf) => respond(rt, req, res, buf, start),
      (err: unknown) => {
        if (err instanceof BodyTooLarge) {
          sendTooLarge(res, rt.backendId, err);
          finish(rt, req, start, [{ method: "body_too_large", outcome: "client_error", fault: "none" }], 413, undefined);
        } else req.socket.destroy();
      },
    )
    .catch((err: unknown) => internalError(rt, req, res, err));
}

/** Anything the checks above did not foresee: one 500 for this request, the process keeps serving. */
function internalError(rt: Runtime, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  rt.log.error("request failed", { path: req.url, error: err instanceof Error ? err.message : String(err) });
  rt.metrics.observe("http", "internal_error", "client_error", "none");
  if (res.headersSent) req.socket.destroy();
  else send(rt, res, 500, Buffer.from(JSON.stringify(errorBody(null, -32603, "Internal error"))));
}

/** Responses bigger than this are refused (fat_payload_bytes times a batch could reach gigabytes). */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** A body that is refused before any call is answered: HTTP 400 with this JSON-RPC error. */
interface Refusal {
  ok: false;
  body: Buffer;
  method: string;
}
type ParsedCalls = { ok: true; calls: unknown[]; isBatch: boolean } | Refusal;

const refusal = (code: number, message: string, method: string): Refusal => ({ ok: false, body: Buffer.from(JSON.stringify(errorBody(null, code, message))), method });

/** Bounds, syntax and shape of a JSON-RPC body, shared by both HTTP paths. */
export function parseCalls(rt: Runtime, buf: Buffer): ParsedCalls {
  const maxDepth = rt.config.max_json_depth;
  if (nestingExceeds(buf, maxDepth)) return refusal(-32600, `Invalid request: ${tooDeepMessage(maxDepth)}`, "too_deep");
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString("utf8"));
  } catch {
    return refusal(-32700, "Parse error", "parse_error");
  }
  const isBatch = Array.isArray(parsed);
  if ((isBatch && (parsed as unknown[]).length === 0) || (!isBatch && !isObject(parsed))) return refusal(-32600, "Invalid request", "invalid_request");
  const calls = (isBatch ? parsed : [parsed]) as unknown[];
  const maxBatch = rt.config.max_batch_size;
  if (calls.length > maxBatch) return refusal(-32600, `Invalid request: batch of ${calls.length} calls exceeds ${maxBatch} (max_batch_size)`, "batch_too_large");
  if (rt.filler !== undefined && calls.length * rt.filler.length > MAX_RESPONSE_BYTES) {
    return refusal(
      -32600,
      `Invalid request: ${calls.length} calls with fat_payload_bytes ${rt.filler.length} would exceed a ${MAX_RESPONSE_BYTES}-byte response`,
      "response_too_large",
    );
  }
  return { ok: true, calls, isBatch };
}

/** One answer per call (with its fault decision, if any) and the serialized response body. */
export function answerCalls(rt: Runtime, calls: unknown[], isBatch: boolean, decisions?: ReadonlyArray<FaultDecision | null>): { answers: Answer[]; body: Buffer } {
  const answers = calls.map((c, i) => answer(rt, c, decisions?.[i] ?? null));
  return { answers, body: Buffer.from(JSON.stringify(isBatch ? answers.map((a) => a.body) : answers[0].body)) };
}

/**
 * The lean front's JSON-RPC (http/fast-path.ts): requests with nothing to inject are answered
 * here, synchronously; anything else (fault rules, legacy knobs, another Content-Type) returns
 * undefined and goes through the full path above.
 */
export function answerPlainJsonRpc(rt: Runtime, r: FastRequest): FastAnswer | undefined {
  const s = rt.settings;
  const ct = r.headers["content-type"];
  if (!rt.faults.empty || s.delay_ms > 0 || s.error_rate > 0 || s.broken_compression || ct === undefined || !ct.toLowerCase().startsWith("application/json")) return undefined;
  const parsed = parseCalls(rt, r.body);
  if (!parsed.ok) {
    recordOutcome(rt, r.target, r.headers, r.start, [{ method: parsed.method, outcome: "client_error", fault: "none" }], 400, r.body);
    return { status: 400, headers: jsonHeaders(rt), body: parsed.body };
  }
  const { answers, body } = answerCalls(rt, parsed.calls, parsed.isBatch);
  recordOutcome(rt, r.target, r.headers, r.start, answers, 200, r.body);
  return { status: 200, headers: jsonHeaders(rt), body };
}

/** Header lines of a JSON answer on the lean front. */
const jsonHeaders = (rt: Runtime) => `Content-Type: application/json\r\nX-Backend-Id: ${rt.backendId}\r\n`;

async function respond(rt: Runtime, req: IncomingMessage, res: ServerResponse, buf: Buffer, start: number): Promise<void> {
  const s = rt.settings;
  if (s.delay_ms > 0) await sleep(s.delay_ms);
  if (s.error_rate > 0 && rt.rng.next() < s.error_rate) {
    const codes = s.error_codes.length > 0 ? s.error_codes : [s.error_code];
    const status = codes[Math.floor(rt.rng.next() * codes.length)];
    send(rt, res, status, Buffer.from(injectedText(status)), "text/plain; charset=utf-8");
    finish(rt, req, start, [{ method: "error", outcome: "injected", fault: "error_rate" }], status, buf);
    return;
  }

  const parsed = parseCalls(rt, buf);
  if (!parsed.ok) {
    send(rt, res, 400, parsed.body);
    finish(rt, req, start, [{ method: parsed.method, outcome: "client_error", fault: "none" }], 400, buf);
    return;
  }
  const { calls, isBatch } = parsed;

  // One decision per call; the first transport fault in a batch decides the whole HTTP response.
  const decisions = new Array<FaultDecision | null>(calls.length).fill(null);
  if (!rt.faults.empty) {
    const header = (n: string) => {
      const v = req.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i];
      if (!isObject(c) || typeof c.method !== "string") continue;
      const d = rt.faults.decide("http", c.method, header);
      decisions[i] = d instanceof Promise ? await d : d;
    }
  }
  let ttfb = 0;
  let transport: FaultDecision | undefined;
  for (const d of decisions) {
    if (!d) continue;
    if (d.ttfbMs > ttfb) ttfb = d.ttfbMs;
    if (!transport && isTransportFault(d.action)) transport = d;
  }

  const answered = answerCalls(rt, calls, isBatch, decisions);
  const answers = answered.answers;
  let body = answered.body;
  if (ttfb > 0) await sleep(ttfb);
  if (req.socket.destroyed) {
    finish(
      rt,
      req,
      start,
      answers.map((a) => ({ ...a, outcome: "cancelled" as const })),
      undefined,
      buf,
    );
    return;
  }

  if (transport) {
    const status = applyTransportFault(req, res, transport.action, rt.backendId, body, "application/json");
    const label = faultLabel(transport);
    finish(
      rt,
      req,
      start,
      answers.map((a) => ({ ...a, outcome: "injected" as const, fault: label })),
      status,
      buf,
      transport.rule,
    );
    return;
  }
  if (s.broken_compression && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    // Deliberately no Content-Encoding: simulates backends that break RFC 9110.
    body = gzipSync(body);
  }
  send(rt, res, 200, body);
  finish(rt, req, start, answers, 200, buf, decisions.find((d) => d)?.rule);
}

function answer(rt: Runtime, raw: unknown, d: FaultDecision | null): Answer {
  if (!isObject(raw) || typeof raw.method !== "string") {
    const id = isObject(raw) ? raw.id : null;
    return { body: errorBody(id, -32600, "Invalid request"), method: "invalid_request", outcome: "client_error", fault: "none" };
  }
  const call = raw as unknown as Call & { method: string };
  const fault = faultLabel(d);
  if (d && d.action.type === "jsonrpc_error") {
    const a = d.action;
    return { body: errorBody(call.id, a.code, a.message, a.data), method: call.method, outcome: "injected", fault };
  }
  const outcome: Outcome = fault === "none" ? "ok" : "injected";
  const chainAnswer = rt.config.chain.enabled ? chainResult(rt, call) : undefined;
  if (chainAnswer) return { body: chainAnswer, method: call.method, outcome, fault };
  const result: Record<string, unknown> = { backend_id: rt.backendId };
  if (rt.filler !== undefined) result.filler = rt.filler;
  result.method = call.method;
  result.params = call.params ?? null;
  result.status = "ok";
  return { body: { id: call.id ?? null, jsonrpc: "2.0", result }, method: call.method, outcome, fault };
}

/** The methods the simulated chain answers; undefined = not a chain method, echo it. */
export function chainResult(rt: Runtime, call: Call & { method: string }): object | undefined {
  const ok = (result: unknown) => ({ id: call.id ?? null, jsonrpc: "2.0", result });
  const chain = rt.chain;
  switch (call.method) {
    case "eth_blockNumber":
      return ok(`0x${chain.height().toString(16)}`);
    case "eth_chainId":
      return ok(`0x${rt.config.chain.chain_id.toString(16)}`);
    case "net_version":
      return ok(String(rt.config.chain.chain_id));
    case "eth_getBlockByNumber": {
      const params = Array.isArray(call.params) ? call.params : [];
      const n = chain.resolveTag(params[0]);
      if (n === undefined) return errorBody(call.id, -32602, `invalid block tag ${JSON.stringify(params[0] ?? null)}`);
      return ok(chain.block(n));
    }
    default:
      return undefined;
  }
}

function finish(
  rt: Runtime,
  req: IncomingMessage,
  start: number,
  answers: Array<Pick<Answer, "method" | "outcome" | "fault">>,
  status: number | undefined,
  body: Buffer | undefined,
  rule?: string,
): void {
  recordOutcome(rt, req.url ?? "/", req.headers as Record<string, string>, start, answers, status, body, rule);
}

/** Metrics and journal of one JSON-RPC request, whichever path answered it. */
function recordOutcome(
  rt: Runtime,
  path: string,
  headers: Record<string, string>,
  start: number,
  answers: Array<Pick<Answer, "method" | "outcome" | "fault">>,
  status: number | undefined,
  body: Buffer | undefined,
  rule?: string,
): void {
  const seconds = since(start);
  for (const a of answers) rt.metrics.observe("http", a.method, a.outcome, a.fault, seconds);
  if (!rt.config.journal.enabled) return;
  const fault = answers.find((a) => a.fault !== "none")?.fault ?? "none";
  rt.journal.record({ protocol: "http", method: answers.length === 1 ? answers[0].method : "batch", path, headers, body, status, fault, rule });
}
