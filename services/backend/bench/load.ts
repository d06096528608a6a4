/**
 * The load generator, run as its own process so it never shares an event loop with the server.
 *   node --import tsx load.ts http <url> <connections> <seconds>
 *   node --import tsx load.ts ws <url> <connections> <seconds>
 * Prints one JSON line with the result.
 */
import WebSocket from "ws";

// autocannon ships no types; the few fields used here are checked at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (opts: object) => Promise<any>;

const [mode, url, conns, secs] = process.argv.slice(2);
const connections = Number(conns);
const duration = Number(secs);

async function http(): Promise<void> {
  const r = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to: "0x0000000000000000000000000000000000000001", data: "0x" }, "latest"] }),
    connections,
    duration,
  });
  process.stdout.write(
    `${JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, total: r.requests.total })}\n`,
  );
}

/** Each connection asks for bursts of 1000 frames and immediately re-asks when a burst is done. */
async function ws(): Promise<void> {
  let frames = 0;
  const sockets: WebSocket[] = [];
  const ask = (s: WebSocket) => s.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "sub", params: [{ repeat_count: 1000 }] }));
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const s = new WebSocket(url);
          sockets.push(s);
          let inBurst = 0;
          s.on("message", () => {
            frames++;
            if (++inBurst === 1000) {
              inBurst = 0;
              ask(s);
            }
          });
          s.on("open", () => resolve());
          s.on("error", reject);
        }),
    ),
  );
  const start = performance.now();
  const startFrames = frames;
  for (const s of sockets) ask(s);
  await new Promise((r) => setTimeout(r, duration * 1000));
  const elapsed = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ msgs_per_s: (frames - startFrames) / elapsed })}\n`);
  for (const s of sockets) s.terminate();
  process.exit(0);
}

void (mode === "ws" ? ws() : http());
