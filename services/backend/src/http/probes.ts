/**
 * `/health` and `/ready` on bare node:http with prebuilt bodies: probes and load balancers call them
 * often, and going through express cost several times the handler.
 */
import type { ServerResponse } from "node:http";
import type { Runtime } from "../runtime";
import type { FastAnswer } from "./fast-path";

// Body and newline exactly as the reference.
const HEALTHY = Buffer.from(`${JSON.stringify({ status: "healthy", service: "demo-backend" })}\n`);

export interface Probes {
  health(res: ServerResponse): void;
  ready(res: ServerResponse): void;
  /** The same answers for the lean front (fast-path.ts). */
  healthAnswer(): FastAnswer;
  readyAnswer(): FastAnswer;
}

export function createProbes(rt: Runtime): Probes {
  const readyBody = (ready: boolean) => Buffer.from(JSON.stringify({ ready, backend_id: rt.backendId }));
  const ready = readyBody(true);
  const notReady = readyBody(false);
  const headers = (body: Buffer) => ["content-type", "application/json; charset=utf-8", "content-length", String(body.length), "x-backend-id", rt.backendId];
  const healthHeaders = headers(HEALTHY);
  const readyHeaders = headers(ready);
  const notReadyHeaders = headers(notReady);
  const lines = `Content-Type: application/json; charset=utf-8\r\nX-Backend-Id: ${rt.backendId}\r\n`;
  return {
    healthAnswer: () => ({ status: 200, headers: lines, body: HEALTHY }),
    readyAnswer: () => (rt.draining ? { status: 503, headers: lines, body: notReady } : { status: 200, headers: lines, body: ready }),
    health(res) {
      res.writeHead(200, healthHeaders).end(HEALTHY);
    },
    // 503 while draining so Kubernetes stops sending traffic before connections close.
    ready(res) {
      if (rt.draining) res.writeHead(503, notReadyHeaders).end(notReady);
      else res.writeHead(200, readyHeaders).end(ready);
    },
  };
}
