/**
 * Stakes and balances over the chain's REST API (cosmos-sdk gRPC gateway): every application and
 * supplier, paged, and each supplier operator's liquid uPOKT. Every failure names the URL.
 */
import type { StakeSnapshot } from "./chain-metrics";

export class RestUnavailable extends Error {
  override name = "RestUnavailable";
}

interface Page {
  pagination?: { next_key?: string | null };
}

interface ReadOptions {
  timeoutMs: number;
  /** Read the state as of this block (the node must still hold it). */
  height?: number;
}

async function restGet<T>(restUrl: string, path: string, o: ReadOptions): Promise<T> {
  const url = `${restUrl.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), headers: o.height === undefined ? {} : { "x-cosmos-block-height": String(o.height) } });
  } catch (e) {
    throw new RestUnavailable(`GET ${url}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) throw new RestUnavailable(`GET ${url}${o.height === undefined ? "" : ` at height ${o.height}`}: HTTP ${res.status} ${body.slice(0, 200)}`);
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new RestUnavailable(`GET ${url}: not JSON: ${body.slice(0, 200)}`);
  }
}

/** Every item of a paged list endpoint (`key` names the list in the response). */
async function listAll<T>(restUrl: string, path: string, keys: string[], o: ReadOptions): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined;
  for (let page = 0; page < 100; page++) {
    const q = `pagination.limit=500${next ? `&pagination.key=${encodeURIComponent(next)}` : ""}`;
    const r = await restGet<Page & Record<string, unknown>>(restUrl, `${path}?${q}`, o);
    const list = keys.map((k) => r[k]).find(Array.isArray) as T[] | undefined;
    out.push(...(list ?? []));
    next = r.pagination?.next_key ?? undefined;
    if (!next) return out;
  }
  throw new RestUnavailable(`GET ${restUrl}${path}: more than 100 pages`);
}

const upokt = (coin: { amount?: string } | undefined): bigint => {
  const s = coin?.amount ?? "0";
  return /^\d+$/.test(s) ? BigInt(s) : 0n;
};

/** Every application's and supplier's stake and each supplier's balance, now or as of `height`. */
export async function readStakes(restUrl: string, opts: { timeoutMs?: number; height?: number } = {}): Promise<StakeSnapshot> {
  const t: ReadOptions = { timeoutMs: opts.timeoutMs ?? 10_000, height: opts.height };
  const apps = await listAll<{ address?: string; stake?: { amount?: string } }>(restUrl, "/pokt-network/poktroll/application/application", ["applications"], t);
  const sups = await listAll<{ operator_address?: string; stake?: { amount?: string }; services?: { service_id?: string }[] }>(
    restUrl,
    "/pokt-network/poktroll/supplier/supplier",
    ["supplier", "suppliers"],
    t,
  );
  const suppliers: StakeSnapshot["suppliers"] = [];
  for (const s of sups) {
    if (!s.operator_address) continue;
    const b = await restGet<{ balance?: { amount?: string } }>(restUrl, `/cosmos/bank/v1beta1/balances/${s.operator_address}/by_denom?denom=upokt`, t);
    const services = (s.services ?? []).map((x) => x.service_id).filter((x): x is string => typeof x === "string");
    suppliers.push({ address: s.operator_address, stakeUpokt: upokt(s.stake), balanceUpokt: upokt(b.balance), services });
  }
  return {
    applications: apps.filter((a) => a.address).map((a) => ({ address: a.address!, stakeUpokt: upokt(a.stake) })),
    suppliers,
  };
}
