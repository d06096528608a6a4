/**
 * Reading a CometBFT node's RPC for relay-path events: the latest height, one block's results, or a
 * range of them with a few requests in flight. Only `fetch`; every error names the URL.
 */
import { type BlockResultsResponse, decodeBlockResults, type RelayEvent } from "./events";

export class ChainUnavailable extends Error {
  override name = "ChainUnavailable";
}

export interface RpcOptions {
  /** Per request; a port-forward that hangs must not hang the command. */
  timeoutMs?: number;
}

/** The node closes idle keep-alive connections; a request that lands on one is sent again once. */
const retriedCodes = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

async function getJson<T>(url: string, opts: RpcOptions, attempt = 0): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    if (attempt === 0 && retriedCodes.has(cause)) return getJson<T>(url, opts, 1);
    throw new ChainUnavailable(`GET ${url}: ${cause}`);
  }
  const body = await res.text();
  if (!res.ok) throw new ChainUnavailable(`GET ${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ChainUnavailable(`GET ${url}: not JSON: ${body.slice(0, 200)}`);
  }
}

const base = (rpcUrl: string) => rpcUrl.replace(/\/+$/, "");

/** Latest block height and time, and the chain id (CometBFT /status). */
export async function latestBlock(rpcUrl: string, opts: RpcOptions = {}): Promise<{ height: number; time: string; chainId: string }> {
  const s = await getJson<{ result?: { node_info?: { network?: string }; sync_info?: { latest_block_height?: string; latest_block_time?: string } } }>(
    `${base(rpcUrl)}/status`,
    opts,
  );
  const height = Number(s.result?.sync_info?.latest_block_height);
  if (!Number.isInteger(height)) throw new ChainUnavailable(`GET ${base(rpcUrl)}/status: no latest_block_height`);
  return { height, time: s.result?.sync_info?.latest_block_time ?? "", chainId: s.result?.node_info?.network ?? "" };
}

/** The time a block was made (its header), as epoch milliseconds. */
export async function blockTimeMs(rpcUrl: string, height: number, opts: RpcOptions = {}): Promise<number> {
  const b = await getJson<{ result?: { block?: { header?: { time?: string } } } }>(`${base(rpcUrl)}/block?height=${height}`, opts);
  const t = Date.parse(b.result?.block?.header?.time ?? "");
  if (Number.isNaN(t)) throw new ChainUnavailable(`GET ${base(rpcUrl)}/block?height=${height}: no header time`);
  return t;
}

export async function blockResults(rpcUrl: string, height: number, opts: RpcOptions = {}): Promise<BlockResultsResponse> {
  return getJson<BlockResultsResponse>(`${base(rpcUrl)}/block_results?height=${height}`, opts);
}

/** Relay-path events of heights `from`..`to` (inclusive), in height order. */
export async function relayEventsBetween(rpcUrl: string, from: number, to: number, opts: RpcOptions & { concurrency?: number } = {}): Promise<RelayEvent[]> {
  const heights = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const byHeight = new Map<number, RelayEvent[]>();
  let next = 0;
  const worker = async () => {
    while (next < heights.length) {
      const h = heights[next++];
      byHeight.set(h, decodeBlockResults(await blockResults(rpcUrl, h, opts), h));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, heights.length) }, worker));
  return heights.flatMap((h) => byHeight.get(h) ?? []);
}
