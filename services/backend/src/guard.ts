/**
 * The last line of defence: an exception no handler caught is logged and the process keeps
 * serving. Each entry point answers its own failures (500, INTERNAL, an error frame), so this
 * should never fire; when it does, the log line says where to look, and one bad request has not
 * taken every other client's connection down with it.
 */
import type { Logger } from "./log";

export function installProcessGuard(log: Logger): void {
  const report = (kind: string) => (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error("uncaught error; still serving", { kind, error: e.message, stack: e.stack?.split("\n").slice(0, 6).join(" | ") });
  };
  process.on("uncaughtException", report("exception"));
  process.on("unhandledRejection", report("rejection"));
}
