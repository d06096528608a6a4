/**
 * The express side of the public HTTP port: health, readiness and the echo endpoint. Low-traffic
 * routes where express's routing and body parsing are worth their cost; the JSON-RPC hot path
 * never enters express (see server.ts).
 */
import express, { type Express } from "express";
import { flattenHeaders } from "../journal";
import type { Runtime } from "../runtime";

export function createRoutes(rt: Runtime): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((_req, res, next) => {
    res.setHeader("x-backend-id", rt.backendId);
    next();
  });

  // Liveness: the process answers. Body and newline exactly as the reference.
  app.get("/health", (_req, res) => {
    res.type("application/json").send(`${JSON.stringify({ status: "healthy", service: "demo-backend" })}\n`);
  });
  // Readiness: 503 while draining so Kubernetes stops sending traffic before connections close.
  app.get("/ready", (_req, res) => {
    res.status(rt.draining ? 503 : 200).json({ ready: !rt.draining, backend_id: rt.backendId });
  });

  // Echo: reflects what arrived (method, path, query, headers, body) so tests can see what a
  // relayer forwarded; also journaled as protocol `echo`.
  app.all(/^\/echo(\/.*)?$/, express.raw({ type: () => true, limit: rt.config.max_body_bytes }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    let json: unknown;
    if (raw !== "" && /json/i.test(req.headers["content-type"] ?? "")) {
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
    }
    const headers = flattenHeaders(req.headers);
    rt.journal.record({ protocol: "echo", method: req.method, path: req.originalUrl, headers, body: raw, status: 200, fault: "none" });
    rt.metrics.observe("http", "echo", "ok", "none");
    res.json({
      backend_id: rt.backendId,
      method: req.method,
      path: req.path,
      query: req.query,
      headers,
      pocket: {
        supplier: headers["pocket-supplier"] ?? null,
        service: headers["pocket-service"] ?? null,
        application: headers["pocket-application"] ?? null,
      },
      body: raw,
      json: json ?? null,
    });
  });

  // Errors from body parsing (e.g. 413) as JSON, never an HTML stack page.
  app.use((err: { status?: number; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status ?? 500;
    res.status(status).json({ error: status === 413 ? `request body exceeds ${rt.config.max_body_bytes} bytes` : (err.message ?? "error") });
  });
  return app;
}
