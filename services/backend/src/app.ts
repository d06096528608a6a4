/**
 * One backend in one process: serving ports + admin + metrics, all sharing a Runtime. This is what
 * `workers: 1` runs and what the tests start (several per test process, on ephemeral ports).
 */
import type { Server } from "node:http";
import { createAdminApp } from "./admin";
import type { BackendConfig } from "./config";
import { LocalControl } from "./control";
import type { Logger } from "./log";
import { createMetricsServer } from "./metrics-server";
import { createRuntime, type Runtime } from "./runtime";
import { closeServer, listen, startServing, type Serving } from "./serve";
import { createServer } from "node:http";

export interface BackendPorts {
  http: number;
  admin: number;
  grpc: number;
  metrics: number;
}

export interface RunningBackend {
  ports: BackendPorts;
  rt: Runtime;
  serving: Serving;
  /** Graceful stop of everything (SIGTERM path). */
  close(graceMs?: number): Promise<void>;
}

export async function startBackend(config: BackendConfig, log?: Logger): Promise<RunningBackend> {
  const rt = createRuntime(config, { log });
  const serving = await startServing(rt);
  const admin: Server = createServer(createAdminApp(new LocalControl(rt)));
  const metrics = createMetricsServer(async () => ({ contentType: rt.metrics.registry.contentType, text: await rt.metrics.registry.metrics() }));
  const ports: BackendPorts = {
    http: serving.httpPort,
    grpc: serving.grpcPort,
    admin: await listen(admin, config.host, config.admin_port),
    metrics: await listen(metrics, config.host, config.metrics_port),
  };
  let closing: Promise<void> | undefined;
  return {
    ports,
    rt,
    serving,
    close: (graceMs = config.shutdown_grace_ms) =>
      (closing ??= (async () => {
        await serving.drain(graceMs);
        await Promise.all([closeServer(admin, 1000), closeServer(metrics, 1000)]);
      })()),
  };
}
