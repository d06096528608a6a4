/**
 * `--send N`: the relay-miner's own test client, with its --localnet keys (the public dev keys our
 * genesis stakes) and the addresses of the forwards.
 */
import { spawnSync } from "node:child_process";
import type { SendMode } from "./args";
import type { VerifyEndpoints } from "./endpoints";

export interface SendResult {
  command: string;
  exitCode: number | null;
  succeeded: number;
  /** The client's last lines (its summary, or why it failed). */
  tail: string;
}

/**
 * The relay client prints raw protobuf bytes next to its report: keep text only (tab, newline and
 * printable characters).
 */
export function printable(s: string): string {
  return [...s]
    .filter((ch) => {
      const c = ch.codePointAt(0) ?? 0;
      return c === 9 || c === 10 || (c >= 32 && c !== 127 && c !== 0xfffd);
    })
    .join("");
}

export function relayClientArgs(e: VerifyEndpoints, o: { count: number; service: string; mode: SendMode; chainId: string }): string[] {
  if (!e.relayerRelay) throw new Error("the forward plan has no relayerRelay: --send needs a relayer");
  const relayerUrl = o.mode === "websocket" ? e.relayerRelay.replace(/^http/, "ws") : e.relayerRelay;
  return [
    "relay",
    o.mode,
    "--localnet",
    "--service",
    o.service,
    "--chain-id",
    o.chainId,
    "--node",
    e.grpc,
    "--node-rpc",
    e.rpc,
    "--relayer-url",
    relayerUrl,
    "--timeout",
    "30",
    ...(o.count > 1 ? ["--load-test", "-n", String(o.count)] : []),
  ];
}

/**
 * Successful relays in the client's report: the load test's summary; one unary relay's status and
 * signature; or one streaming relay's batches, every one signed (its report has no status line).
 */
export function succeededIn(output: string, count: number): number {
  const text = printable(output);
  if (count > 1) return Number(/Successful(?: Requests)?:\s*(\d+)/i.exec(text)?.[1] ?? 0);
  if (/Status:[^A-Z]*SUCCESS/.test(text) && /Signature:[^A-Z]*VALID/.test(text)) return 1;
  const batches = Number(/Batches Received:\s*(\d+)/.exec(text)?.[1] ?? 0);
  return batches > 0 && /Signatures:[^A-Z]*ALL VALID/.test(text) ? 1 : 0;
}

export function sendRelays(binary: string, args: string[], count: number): SendResult {
  const r = spawnSync(binary, args, { encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(`${binary} is not on PATH; --send needs the relay-miner's binary (build it from its source), or send relays yourself and run verify without --send`);
  }
  const output = `${r.stdout ?? ""}\n${r.stderr ?? ""}`;
  const tail = printable(output)
    .split("\n")
    .filter((l) => l.trim() && !/maxprocs/.test(l))
    .slice(-6)
    .join("\n");
  return { command: `${binary} ${args.join(" ")}`, exitCode: r.status, succeeded: succeededIn(output, count), tail };
}
