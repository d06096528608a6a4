/**
 * The public HTTP port (8545). Connections start on the lean front (fast-path.ts), which answers
 * probes and plain JSON-RPC itself; everything else goes to a node:http server that dispatches on
 * the path: `/` and unknown paths are JSON-RPC (the reference's catch-all), streams and WebSocket
 * upgrades go to their handlers, probes answer from prebuilt buffers, and only echo goes through
 * express. A handler that throws answers 500 for its own request and nothing else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import type { Runtime } from "../runtime";
import { handleStream } from "../streams";
import { createWsHandler, type WsHandler } from "../ws";
import { createFastPath, type FastHandler, type FastPath } from "./fast-path";
import { answerPlainJsonRpc, handleJsonRpc } from "./jsonrpc";
import { createProbes } from "./probes";
import { createRoutes } from "./routes";

export interface HttpPort {
  /** What listens: hands each connection to the lean front. */
  listener: NetServer;
  /** The full HTTP server connections are handed to. */
  server: Server;
  fast: FastPath;
  ws: WsHandler;
}

/** Paths the full server owns; every other path is JSON-RPC. */
const isOwnedPath = (path: string) => path === "/ws" || path === "/echo" || path.startsWith("/echo/") || path === "/stream/sse" || path === "/stream/ndjson";

export function createHttpServer(rt: Runtime): HttpPort {
  const routes = createRoutes(rt);
  const probes = createProbes(rt);
  const ws = createWsHandler(rt);
  const failed = (req: IncomingMessage, res: ServerResponse) => (err: unknown) => {
    rt.log.error("request failed", { path: req.url, error: err instanceof Error ? err.message : String(err) });
    if (res.headersSent) req.socket.destroy();
    else res.writeHead(500, { "content-type": "text/plain", "x-backend-id": rt.backendId }).end("internal error\n");
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path === "/health") return probes.health(res);
    if (path === "/ready") return probes.ready(res);
    if (path === "/echo" || path.startsWith("/echo/")) return void routes(req, res);
    if (path === "/stream/sse" || path === "/stream/ndjson") {
      handleStream(rt, req, res, path === "/stream/sse" ? "sse" : "ndjson", new URL(url, "http://backend")).catch(failed(req, res));
      return;
    }
    if (path === "/ws") {
      // A plain GET on the WebSocket path: say what is expected instead of a JSON-RPC error.
      res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket", "x-backend-id": rt.backendId }).end("WebSocket upgrade required");
      return;
    }
    handleJsonRpc(rt, req, res);
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    try {
      dispatch(req, res);
    } catch (err) {
      failed(req, res)(err);
    }
  });
  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/ws") ws.handleUpgrade(req, socket, head);
    else socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  // Malformed HTTP: answer 400 and close rather than leaving the socket hanging.
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  const fastHandler: FastHandler = (r) => {
    if (r.path === "/health") return r.method === "GET" && r.body.length === 0 ? probes.healthAnswer() : undefined;
    if (r.path === "/ready") return r.method === "GET" && r.body.length === 0 ? probes.readyAnswer() : undefined;
    if (r.method !== "POST" || isOwnedPath(r.path)) return undefined;
    return answerPlainJsonRpc(rt, r);
  };
  const fast = createFastPath(fastHandler, server, rt.config.max_body_bytes);
  const listener = createNetServer({ noDelay: true }, (socket) => fast.accept(socket));
  return { listener, server, fast, ws };
}
