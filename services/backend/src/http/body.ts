/** Request body reading with a hard size limit (413 instead of buffering whatever a client sends). */
import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Resolves the whole body, or rejects with BodyTooLarge as soon as the limit is crossed. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * 413 with a JSON-RPC error body; the connection is closed because the rest of the oversized body
 * is still on the wire and reading it would defeat the limit.
 */
export function sendTooLarge(res: ServerResponse, backendId: string, limit: number): void {
  const body = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: `request body exceeds ${limit} bytes` } });
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-backend-id": backendId,
    connection: "close",
  });
  res.end(body);
}
