/**
 * Transport-level fault actions on a plain HTTP response (JSON-RPC and the start of SSE/NDJSON).
 * Returns the HTTP status that went out, or undefined when the connection was dropped on purpose.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultAction } from "../config";

/** True for actions handled here (everything that is not an in-band JSON-RPC error or a no-op). */
export function isTransportFault(a: FaultAction): boolean {
  return a.type !== "none" && a.type !== "jsonrpc_error";
}

export function injectedText(status: number): string {
  return `injected error (code: ${status})`;
}

/** Writes the fault; `body` is the would-be response, needed by `truncate`. */
export function applyTransportFault(req: IncomingMessage, res: ServerResponse, action: FaultAction, backendId: string, body: Buffer, contentType: string): number | undefined {
  switch (action.type) {
    case "reset":
    case "disconnect":
      // RST rather than FIN: the client sees ECONNRESET, like a crashed or overloaded backend.
      req.socket.resetAndDestroy();
      return undefined;
    case "empty":
      req.socket.destroy();
      return undefined;
    case "truncate": {
      const keep = Math.floor(body.length * action.fraction);
      res.writeHead(200, { "content-type": contentType, "content-length": body.length, "x-backend-id": backendId });
      // Flush the partial body, then close: the client sees fewer bytes than Content-Length promised.
      res.write(body.subarray(0, keep), () => req.socket.destroy());
      return 200;
    }
    case "http_status":
    case "grpc_status": {
      const status = action.type === "http_status" ? action.status : 500;
      const text = action.type === "http_status" && action.body !== undefined ? action.body : injectedText(status);
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), "x-backend-id": backendId });
      res.end(text);
      return status;
    }
    case "none":
    case "jsonrpc_error":
      return undefined;
  }
}
