/**
 * Test helpers: a real backend on 127.0.0.1 with ephemeral ports, and small clients for each
 * protocol. Everything goes over real sockets.
 */
import * as grpc from "@grpc/grpc-js";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { startBackend, type RunningBackend } from "../src/app";
import { parseConfig, type BackendConfigInput } from "../src/config";
import { loadDemoProto } from "../src/grpc";

export interface TestBackend extends RunningBackend {
  url(path?: string): string;
  adminUrl(path: string): string;
  rpc(body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  grpcClient(): any;
}

export async function startTestBackend(overrides: BackendConfigInput = {}): Promise<TestBackend> {
  const config = parseConfig({
    workers: 1,
    host: "127.0.0.1",
    http_port: 0,
    admin_port: 0,
    grpc_port: 0,
    metrics_port: 0,
    log_level: "silent",
    backend_id: "test-backend",
    shutdown_grace_ms: 2000,
    ...overrides,
  });
  const b = await startBackend(config);
  const url = (path = "/") => `http://127.0.0.1:${b.ports.http}${path}`;
  const adminUrl = (path: string) => `http://127.0.0.1:${b.ports.admin}${path}`;
  const clients: grpc.Client[] = [];
  return {
    ...b,
    close: async (graceMs?: number) => {
      for (const c of clients) c.close();
      await b.close(graceMs);
    },
    url,
    adminUrl,
    async rpc(body, headers = {}) {
      const res = await fetch(url("/"), {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async admin(method, path, body) {
      const res = await fetch(adminUrl(path), {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    grpcClient() {
      const proto = loadDemoProto() as any;
      const c = new proto.demo.DemoService(`127.0.0.1:${b.ports.grpc}`, grpc.credentials.createInsecure());
      clients.push(c);
      return c;
    },
  };
}

export interface RawResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: string;
  raw?: Buffer;
  /** Error code when the connection failed (ECONNRESET, ...), or "aborted" for a cut body. */
  error?: string;
}

/** A POST through node:http on a fresh connection, reporting transport failures instead of throwing. */
export function rawPost(port: number, body: string, headers: Record<string, string> = { "content-type": "application/json" }, path = "/"): Promise<RawResult> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), raw: Buffer.concat(chunks) }));
      res.on("aborted", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), error: "aborted" }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), error: e.code ?? e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ body: "", error: e.code ?? e.message }));
    req.end(body);
  });
}

/** Reads a streaming GET until it ends or breaks; returns the chunks with arrival times. */
export function readStream(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; times: number[]; error?: string }> {
  return (async () => {
    const start = performance.now();
    const res = await fetch(url, init);
    const times: number[] = [];
    let text = "";
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        times.push(performance.now() - start);
        text += dec.decode(value, { stream: true });
      }
    } catch (e) {
      return { status: res.status, text, times, error: (e as Error).message };
    }
    return { status: res.status, text, times };
  })();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns true: for effects that land "soon" (a gauge going back to 0 after
 * a client leaves), where a fixed sleep is either slow or, on a loaded machine, too short.
 */
export async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The backend's /metrics text on `metricsPort`. */
export async function metricsText(metricsPort: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
}

/** Promisified unary gRPC call. */
export function grpcCall<T>(client: any, method: string, req: unknown, metadata = new grpc.Metadata()): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, metadata, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}
