/** WebSocket ping-pong load, run in its own (optionally pinned) process: load.ts `pingpong`. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { pinned } from "./targets";
import type { HttpResult } from "./wrk";

export async function pingpong(url: string, connections: number, seconds: number, cpus?: string): Promise<HttpResult> {
  const [cmd, args] = pinned(cpus, process.execPath, ["--import", "tsx", join(__dirname, "load.ts"), "pingpong", url, String(connections), String(seconds)]);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await once(child, "exit");
  const r = JSON.parse(out.trim().split("\n").at(-1)!) as { rps: number; requests: number };
  return { rps: r.rps, requests: r.requests, p50Ms: NaN, p99Ms: NaN, errors: 0 };
}
