/**
 * Process entry: load config (a bad one stops start-up with a readable message and exit code 2),
 * then run as a single process (`workers: 1`) or as a cluster primary / worker.
 */
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { startBackend } from "./app";
import { runPrimary, runWorker } from "./cluster";
import { BackendConfigError, loadConfig, type BackendConfig } from "./config";
import { installProcessGuard } from "./guard";
import { createLogger } from "./log";

export const EXIT_CONFIG = 2;
export const EXIT_STARTUP = 1;

function workerCount(c: BackendConfig): number {
  return c.workers === "auto" ? Math.max(1, availableParallelism()) : c.workers;
}

async function main(): Promise<void> {
  let config: BackendConfig;
  let path: string | null;
  try {
    ({ config, path } = loadConfig());
  } catch (e) {
    if (e instanceof BackendConfigError) {
      process.stderr.write(`backend: ${e.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw e;
  }
  const log = createLogger(config.log_level, cluster.isWorker ? { worker: Number(process.env.BACKEND_WORKER_ID) } : {});
  installProcessGuard(log);
  if (cluster.isWorker) return runWorker(config, log);

  const workers = workerCount(config);
  log.info("starting", { config: path ?? "(defaults)", backend_id: config.backend_id, workers, seed: config.seed });
  if (workers > 1) return runPrimary(config, workers, log);

  const backend = await startBackend(config, log);
  log.info("listening", { backend_id: config.backend_id, workers: 1, ...backend.ports });
  const shutdown = (signal: string) => {
    log.info("draining", { signal, grace_ms: config.shutdown_grace_ms });
    void backend.close().then(() => {
      log.info("stopped");
      process.exit(0);
    });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e: unknown) => {
  // Start-up failures (port in use, ...) are reported in one line; a stack helps nobody here.
  const err = e as NodeJS.ErrnoException;
  process.stderr.write(`backend: failed to start: ${err.code ? `${err.code} ` : ""}${err.message}\n`);
  process.exit(EXIT_STARTUP);
});
