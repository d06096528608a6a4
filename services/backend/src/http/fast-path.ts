/**
 * A lean HTTP/1.1 front for the requests that dominate load: probes (`GET /health`, `/ready`) and
 * plain JSON-RPC POSTs. node:http costs more per request than the whole reference backend, so
 * these are parsed and answered here, on the raw socket. Anything this front does not fully
 * understand (another method or version, chunked bodies, Expect, Upgrade, duplicate or malformed
 * headers, bodies over the limit, a request with faults to inject) hands the connection, with the
 * bytes not yet answered, to the node:http server for good; it behaves exactly as before.
 */
import { STATUS_CODES, type Server as HttpServer } from "node:http";
import type { Socket } from "node:net";

/** node:http's default limit for the request line plus headers. */
const MAX_HEAD_BYTES = 16 * 1024;
/** As node:http: idle keep-alive connections close after this, partial requests after headersTimeout. */
const KEEP_ALIVE_MS = 65_000;
const HEADERS_TIMEOUT_MS = 60_000;

export interface FastRequest {
  method: "GET" | "POST";
  /** The request target as sent (path and query). */
  target: string;
  /** The target without its query. */
  path: string;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string>;
  body: Buffer;
  /** performance.now() when the head was parsed. */
  start: number;
}

export interface FastAnswer {
  status: number;
  /** Header lines, each ending in CRLF (Date, Connection and Content-Length are added). */
  headers: string;
  body: Buffer;
}

/** Answers a request, or returns undefined to give the connection to node:http. */
export type FastHandler = (r: FastRequest) => FastAnswer | undefined;

interface Head {
  method: "GET" | "POST";
  target: string;
  headers: Record<string, string>;
  contentLength: number;
  keepAlive: boolean;
}

const REQUEST_LINE = /^(GET|POST) (\/[!-~]*) HTTP\/1\.1$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
// eslint-disable-next-line no-control-regex -- control characters other than tab are not allowed in a field value
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Headers that change how the message is framed or answered: node:http's job. */
const HAND_OFF_HEADERS = new Set(["transfer-encoding", "expect", "upgrade", "http2-settings"]);

/** The parsed head, or undefined when it is anything but a plain, well-formed request. */
export function parseHead(text: string): Head | undefined {
  const lines = text.split("\r\n");
  const line = REQUEST_LINE.exec(lines[0]);
  if (!line) return undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const m = HEADER_LINE.exec(lines[i]);
    if (!m) return undefined;
    const name = m[1].toLowerCase();
    const value = m[2];
    if (BAD_VALUE.test(value) || name in headers || HAND_OFF_HEADERS.has(name)) return undefined;
    headers[name] = value;
  }
  if (headers.host === undefined) return undefined;
  const cl = headers["content-length"];
  if (cl !== undefined && !/^[0-9]{1,10}$/.test(cl)) return undefined;
  let keepAlive = true;
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of connection.toLowerCase().split(",")) {
      const t = token.trim();
      if (t === "close") keepAlive = false;
      else if (t !== "keep-alive") return undefined;
    }
  }
  return { method: line[1] as "GET" | "POST", target: line[2], headers, contentLength: cl === undefined ? 0 : Number(cl), keepAlive };
}

let dateSecond = -1;
let dateText = "";
/** The Date header value, rebuilt once per second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

function serialize(a: FastAnswer, keepAlive: boolean): Buffer {
  const head =
    `HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? ""}\r\n${a.headers}Date: ${httpDate()}\r\n` +
    `Connection: ${keepAlive ? `keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_MS / 1000}` : "close"}\r\nContent-Length: ${a.body.length}\r\n\r\n`;
  const out = Buffer.allocUnsafe(Buffer.byteLength(head, "latin1") + a.body.length);
  const n = out.write(head, 0, "latin1");
  a.body.copy(out, n);
  return out;
}

export interface FastPath {
  /** Takes a freshly accepted connection. */
  accept(socket: Socket): void;
  /** Draining: answers from now on close their connection; idle connections close now. */
  closeIdle(): void;
  /** End of the grace period: every connection still on this front is cut. */
  closeAll(): void;
}

export function createFastPath(handler: FastHandler, fallback: HttpServer, maxBodyBytes: number): FastPath {
  const idle = new Set<Socket>();
  const all = new Set<Socket>();
  let closing = false;

  function accept(socket: Socket): void {
    let pending: Buffer | undefined;
    let headersTimer: NodeJS.Timeout | undefined;
    socket.setNoDelay(true);
    socket.setTimeout(KEEP_ALIVE_MS);
    idle.add(socket);
    all.add(socket);

    const detach = () => {
      if (headersTimer) clearTimeout(headersTimer);
      socket.removeListener("data", onData);
      socket.removeListener("timeout", onTimeout);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      socket.setTimeout(0);
      idle.delete(socket);
      all.delete(socket);
    };
    /** node:http takes over; the unanswered bytes are given to it first, in order. */
    const handOff = () => {
      detach();
      fallback.emit("connection", socket);
      if (pending) socket.emit("data", pending);
      pending = undefined;
    };
    const onTimeout = () => socket.destroy();
    const onError = () => socket.destroy();
    const onClose = () => detach();

    function onData(chunk: Buffer): void {
      pending = pending ? Buffer.concat([pending, chunk]) : chunk;
      idle.delete(socket);
      let out: Buffer[] | undefined;
      let close = false;
      while (pending) {
        const end: number = pending.indexOf("\r\n\r\n");
        if (end === -1) {
          if (pending.length > MAX_HEAD_BYTES) return flushThen(out, handOff);
          break;
        }
        const head = parseHead(pending.toString("latin1", 0, end));
        if (!head || head.contentLength > maxBodyBytes) return flushThen(out, handOff);
        const need: number = end + 4 + head.contentLength;
        if (pending.length < need) break;
        const q = head.target.indexOf("?");
        let answer: FastAnswer | undefined;
        try {
          answer = handler({
            method: head.method,
            target: head.target,
            path: q === -1 ? head.target : head.target.slice(0, q),
            headers: head.headers,
            body: pending.subarray(end + 4, need),
            start: performance.now(),
          });
        } catch {
          // The full path answers it (and says what went wrong).
          answer = undefined;
        }
        if (!answer) return flushThen(out, handOff);
        close = !head.keepAlive || closing;
        (out ??= []).push(serialize(answer, !close));
        pending = need === pending.length ? undefined : pending.subarray(need);
        if (close) break;
      }
      if (out) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
      if (close) {
        detach();
        socket.end();
        return;
      }
      if (pending) headersTimer ??= setTimeout(() => socket.destroy(), HEADERS_TIMEOUT_MS);
      else {
        if (headersTimer) clearTimeout(headersTimer);
        headersTimer = undefined;
        idle.add(socket);
      }
    }
    /** Answers already made go out before node:http sees the rest. */
    function flushThen(out: Buffer[] | undefined, next: () => void): void {
      if (out) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
      next();
    }

    socket.on("data", onData);
    socket.on("timeout", onTimeout);
    socket.on("error", onError);
    socket.on("close", onClose);
  }

  return {
    accept,
    closeIdle() {
      closing = true;
      for (const s of idle) s.destroy();
      idle.clear();
    },
    closeAll() {
      for (const s of all) s.destroy();
      all.clear();
    },
  };
}
