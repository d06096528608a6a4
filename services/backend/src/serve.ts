/**
 * Starting and draining the serving side (HTTP/WS/streams + gRPC) of one process, and the helpers
 * every process role shares. A worker runs only this; a single process runs this plus admin and
 * metrics (app.ts).
 */
import type { Server as GrpcServer } from "@grpc/grpc-js";
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo, Server as NetServer } from "node:net";
import { bindGrpc, createGrpcServer, shutdownGrpc } from "./grpc";
import { createHttpServer, type HttpPort } from "./http/server";
import type { Runtime } from "./runtime";

export interface Serving {
  http: HttpPort;
  grpc: GrpcServer;
  httpPort: number;
  grpcPort: number;
  /** Graceful stop: readiness off, streams ended, in-flight requests finished (up to the grace). */
  drain(graceMs?: number): Promise<void>;
}

export async function listen(server: Server | NetServer, host: string, port: number): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, "close");
  server.close();
  // Keep-alive connections that go idle after their last response are closed as they appear.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  const outcome = await Promise.race([closed, timeout]);
  clearInterval(sweep);
  if (outcome === "timeout") {
    server.closeAllConnections();
    await closed;
  }
}

/**
 * Drains the public port: stop accepting, close idle connections on both fronts, let requests in
 * flight finish (up to the grace), then cut what is left.
 */
async function closeHttpPort(http: HttpPort, graceMs: number): Promise<void> {
  const stopped = new Promise<void>((resolve) => http.listener.close(() => resolve()));
  http.fast.closeIdle();
  const sweep = setInterval(() => {
    http.fast.closeIdle();
    http.server.closeIdleConnections();
  }, 50);
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  const outcome = await Promise.race([stopped, timeout]);
  clearInterval(sweep);
  if (outcome === "timeout") {
    http.fast.closeAll();
    http.server.closeAllConnections();
    await stopped;
  }
}

export async function startServing(rt: Runtime): Promise<Serving> {
  const http = createHttpServer(rt);
  const grpc = createGrpcServer(rt);
  const httpPort = await listen(http.listener, rt.config.host, rt.config.http_port);
  const grpcPort = await bindGrpc(grpc, rt.config.host, rt.config.grpc_port);
  rt.metrics.chainHeight.set(rt.chain.height());
  const chainGauge = rt.chain.onBlock((h) => rt.metrics.chainHeight.set(h));
  let drained: Promise<void> | undefined;
  const drain = (graceMs = rt.config.shutdown_grace_ms) =>
    (drained ??= (async () => {
      rt.draining = true;
      for (const stop of [...rt.streams]) stop();
      chainGauge();
      rt.chain.stop();
      await Promise.all([closeHttpPort(http, graceMs), shutdownGrpc(grpc, graceMs)]);
      http.ws.close();
    })());
  return { http, grpc, httpPort, grpcPort, drain };
}
