/**
 * Benchmark-only comparison target: the same JSON-RPC echo written the "natural" express way
 * (express.json() body parser + res.json). Not part of the image; it exists so the benchmark can
 * show what the bare node:http hot path buys.
 */
import express from "express";

const app = express();
app.use(express.json({ limit: "1mb" }));
app.post(/.*/, (req, res) => {
  const body = req.body as { id?: unknown; method?: string; params?: unknown };
  res.setHeader("x-backend-id", "bench-express");
  res.json({ id: body.id ?? null, jsonrpc: "2.0", result: { backend_id: "bench-express", method: body.method, params: body.params ?? null, status: "ok" } });
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ msg: "listening", http: typeof addr === "object" && addr ? addr.port : 0 })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
