/**
 * The exporter's HTTP endpoints: `/metrics` (the scrape), `/ready` (200 once the node has been
 * read, for the readiness probe) and `/healthy` (the process answers). Anything else is a 404.
 */
import { createServer, type Server } from "node:http";

export interface Endpoints {
  metrics(): string;
  ready(): boolean;
}

export function exporterServer(e: Endpoints): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(e.metrics());
    } else if (path === "/ready") {
      const ok = e.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ready\n" : "the node has not been read yet\n");
    } else if (path === "/healthy") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics, /ready or /healthy\n");
    }
  });
}
