/**
 * Starts the real demo backend (services/backend, its documented entry point src/main.ts) as a
 * child process on 127.0.0.1 with ephemeral ports, and reads the ports from its "listening" log
 * line. Used by the backend scrape test and the real relay network; stop() ends the process and
 * removes its config.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { stopProcess } from "./process";

const repoRoot = join(__dirname, "..", "..");
export const backendEntryPoint = join(repoRoot, "services", "backend", "src", "main.ts");

export interface BackendProcess {
  ports: { http: number; admin: number; grpc: number; metrics: number };
  stop(): Promise<void>;
}

/** `config` is merged over a test base: loopback, ephemeral ports, one worker, short drain. */
export async function startBackendProcess(config: Record<string, unknown>, timeoutMs = 20_000): Promise<BackendProcess> {
  const dir = mkdtempSync(join(tmpdir(), "backend-test-"));
  const file = join(dir, "config.yaml");
  writeFileSync(
    file,
    stringify({
      backend_id: "dashboards-test",
      host: "127.0.0.1",
      http_port: 0,
      admin_port: 0,
      grpc_port: 0,
      metrics_port: 0,
      workers: 1,
      shutdown_grace_ms: 500,
      log_level: "info",
      ...config,
    }),
  );
  const child = spawn(process.execPath, ["--import", "tsx", backendEntryPoint, "--config", file], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";

  const stop = () => stopProcess(child, dir);

  try {
    const ports = await new Promise<BackendProcess["ports"]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`backend did not report "listening" within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`backend exited with ${code} before listening:\n${output}`));
      });
      child.stderr.on("data", (b: Buffer) => (output += b.toString()));
      child.stdout.on("data", (b: Buffer) => {
        output += b.toString();
        for (const line of output.split("\n")) {
          try {
            const rec = JSON.parse(line) as { msg?: string; http?: number; admin?: number; grpc?: number; metrics?: number };
            if (rec.msg === "listening" && rec.metrics) {
              clearTimeout(timer);
              resolve({ http: Number(rec.http), admin: Number(rec.admin), grpc: Number(rec.grpc), metrics: Number(rec.metrics) });
            }
          } catch {
            // not a complete JSON line yet
          }
        }
      });
    });
    child.removeAllListeners("exit");
    return { ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
