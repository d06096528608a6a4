/** One logfmt line per event on stdout (`level=info msg="…" key=value`), readable as is and in Loki. */

const quote = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /^[A-Za-z0-9_.:/@+-]+$/.test(s) ? s : JSON.stringify(s);
};

export function logLine(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}, now = new Date()): string {
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${quote(v)}`);
  return [`ts=${now.toISOString()}`, `level=${level}`, `msg=${quote(msg)}`, ...rest].join(" ");
}

export function log(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void {
  process.stdout.write(`${logLine(level, msg, fields)}\n`);
}
