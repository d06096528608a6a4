/** Request body reading with a hard size limit (413 instead of buffering whatever a client sends). */
import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    /** The body is too big even to drain: answer, then close. */
    readonly close = false,
  ) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * How much of an oversized body is read and thrown away before the 413 goes out. Answering while
 * the client is still sending, then closing, leaves unread bytes in the receive buffer: the
 * kernel sends a reset and most clients report "connection reset" instead of the 413. Past this
 * budget the 413 is sent at once and the connection closed.
 */
export const DISCARD_BYTES = 128 * 1024 * 1024;

/** Reads and drops the rest of a body; rejects once it ended (or at once past the budget). */
function discardThenReject(req: IncomingMessage, alreadyRead: number, limit: number, reject: (e: BodyTooLarge) => void): void {
  let seen = alreadyRead;
  let done = false;
  const finish = (close: boolean) => {
    if (done) return;
    done = true;
    if (close) req.pause();
    reject(new BodyTooLarge(limit, close));
  };
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DISCARD_BYTES) finish(true);
  });
  req.on("end", () => finish(false));
  req.on("close", () => finish(true));
  req.resume();
}

/** Resolves the whole body, or rejects with BodyTooLarge once the limit is crossed. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      if (declared > DISCARD_BYTES) reject(new BodyTooLarge(limit, true));
      else discardThenReject(req, 0, limit, reject);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !over) {
        over = true;
        chunks.length = 0;
        discardThenReject(req, size, limit, reject);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/**
 * 413 with a JSON-RPC error body; the body was drained (see DISCARD_BYTES), so the connection stays
 * usable unless the body was too big even for that.
 */
export function sendTooLarge(res: ServerResponse, backendId: string, err: BodyTooLarge): void {
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: `request body exceeds ${err.limit} bytes (max_body_bytes)` } });
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-backend-id": backendId };
  if (err.close) headers.connection = "close";
  res.writeHead(413, headers);
  res.end(body);
}
