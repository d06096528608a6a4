/** The real entry point (src/main.ts) as a child process, for tests that need a process to watch. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");
const main = join(__dirname, "..", "src", "main.ts");
const dir = mkdtempSync(join(tmpdir(), "backend-proc-"));

/** Config lines that put every port on an ephemeral 127.0.0.1 port. */
export const ephemeral = "host: 127.0.0.1\nhttp_port: 0\nadmin_port: 0\ngrpc_port: 0\nmetrics_port: 0\nshutdown_grace_ms: 3000\n";

export interface ListeningLine {
  http: number;
  admin: number;
  grpc: number;
  metrics: number;
  workers: number;
}

export function runBackend(configText: string | null, env: Record<string, string> = {}) {
  const args = ["--import", "tsx", main];
  if (configText !== null) {
    const p = join(dir, `c${Math.random().toString(16).slice(2)}.yaml`);
    writeFileSync(p, configText);
    args.push("--config", p);
  }
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = once(child, "exit").then(([code]) => ({ code: code as number | null, stdout, stderr }));
  const listening = new Promise<ListeningLine>((resolve, reject) => {
    child.stdout.on("data", () => {
      const line = stdout.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((r) => reject(new Error(`exited ${r.code}: ${r.stderr}`)));
  });
  // Tests that expect an early exit never await `listening`.
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}
