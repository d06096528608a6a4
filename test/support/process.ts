/** Stopping a child process a test started: SIGTERM, SIGKILL after a grace period, then its temp dir. */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

export async function stopProcess(child: ChildProcess, tempDir?: string, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
