/**
 * The public HTTP port (8545): a bare node:http server that dispatches on the path before anything
 * else is paid for. `/` and unknown paths are JSON-RPC (the reference's catch-all), streams and
 * WebSocket upgrades go to their handlers, and only health/ready/echo go through express.
 */
import { createServer, type Server } from "node:http";
import type { Runtime } from "../runtime";
import { handleStream } from "../streams";
import { createWsHandler, type WsHandler } from "../ws";
import { handleJsonRpc } from "./jsonrpc";
import { createRoutes } from "./routes";

export interface HttpPort {
  server: Server;
  ws: WsHandler;
}

export function createHttpServer(rt: Runtime): HttpPort {
  const routes = createRoutes(rt);
  const ws = createWsHandler(rt);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path === "/health" || path === "/ready" || path === "/echo" || path.startsWith("/echo/")) {
      routes(req, res);
      return;
    }
    if (path === "/stream/sse" || path === "/stream/ndjson") {
      void handleStream(rt, req, res, path === "/stream/sse" ? "sse" : "ndjson", new URL(url, "http://backend"));
      return;
    }
    if (path === "/ws") {
      // A plain GET on the WebSocket path: say what is expected instead of a JSON-RPC error.
      res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket", "x-backend-id": rt.backendId }).end("WebSocket upgrade required");
      return;
    }
    handleJsonRpc(rt, req, res);
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
  return { server, ws };
}
