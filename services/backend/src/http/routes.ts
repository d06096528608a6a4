/**
 * The express side of the public HTTP port: the echo endpoint, a low-traffic route where express's
 * routing and query parsing are worth their cost. The JSON-RPC hot path and the probes never enter
 * express (see server.ts).
 */
import express, { type Express } from "express";
import { flattenHeaders } from "../journal";
import { nestingExceeds, tooDeepMessage } from "../json-limits";
import type { Runtime } from "../runtime";
import { BodyTooLarge, readBody, sendTooLarge } from "./body";

export function createRoutes(rt: Runtime): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((_req, res, next) => {
    res.setHeader("x-backend-id", rt.backendId);
    next();
  });

  // Echo: reflects what arrived (method, path, query, headers, body) so tests can see what a
  // relayer forwarded; also journaled as protocol `echo`.
  app.all(/^\/echo(\/.*)?$/, async (req, res) => {
    let buf: Buffer;
    try {
      buf = await readBody(req, rt.config.max_body_bytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) return sendTooLarge(res, rt.backendId, e);
      throw e;
    }
    const raw = buf.toString("utf8");
    const headers = flattenHeaders(req.headers);
    let json: unknown;
    if (raw !== "" && /json/i.test(req.headers["content-type"] ?? "")) {
      if (nestingExceeds(buf, rt.config.max_json_depth)) {
        rt.metrics.observe("http", "echo", "client_error", "none");
        return void res.status(400).json({ error: `body not echoed: ${tooDeepMessage(rt.config.max_json_depth)}` });
      }
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
    }
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

  // Anything unforeseen as JSON, never an HTML stack page.
  app.use((err: { status?: number; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    rt.log.error("echo failed", { error: err.message });
    res.status(err.status ?? 500).json({ error: err.message ?? "error" });
  });
  return app;
}
