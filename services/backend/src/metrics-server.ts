/** The metrics port (9095): `/metrics` for Prometheus and `/health`, nothing else. */
import { createServer, type Server } from "node:http";

export type MetricsSource = () => Promise<{ contentType: string; text: string }>;

export function createMetricsServer(source: MetricsSource): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      source().then(
        ({ contentType, text }) => res.writeHead(200, { "content-type": contentType }).end(text),
        (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics collection failed: ${err.message}\n`),
      );
    } else if (path === "/health") {
      res.writeHead(200, { "content-type": "text/plain" }).end("OK\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found; try /metrics\n");
    }
  });
}
