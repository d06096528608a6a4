/**
 * Load generators that run as their own process, so they never share an event loop with a server:
 *   node --import tsx load.ts http <url> <connections> <seconds> <GET|POST> [body]   (autocannon)
 *   node --import tsx load.ts pingpong <ws-url> <connections> <seconds>
 * Each prints one JSON line with its result.
 */
import WebSocket from "ws";

// autocannon ships no types; the few fields used here are checked at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (opts: object) => Promise<any>;

const [mode, url, conns, secs, method, body] = process.argv.slice(2);
const connections = Number(conns);
const duration = Number(secs);

async function http(): Promise<void> {
  const r = await autocannon({
    url,
    method: method ?? "POST",
    headers: body ? { "content-type": "application/json" } : {},
    body: body || undefined,
    connections,
    duration,
  });
  const result = { rps: r.requests.average, requests: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Each connection sends one JSON-RPC message, waits for its answer, and sends the next. */
async function pingpong(): Promise<void> {
  let answered = 0;
  let running = true;
  const message = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: [] });
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const s = new WebSocket(url, { perMessageDeflate: false });
          s.on("message", () => {
            answered++;
            if (running) s.send(message);
          });
          s.on("open", () => resolve(s));
          s.on("error", reject);
        }),
    ),
  );
  const start = performance.now();
  for (const s of sockets) s.send(message);
  await new Promise((r) => setTimeout(r, duration * 1000));
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ rps: answered / elapsed, requests: answered })}\n`);
  for (const s of sockets) s.terminate();
  process.exit(0);
}

void (mode === "pingpong" ? pingpong() : http());
