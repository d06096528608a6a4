/**
 * The chain facts `verify` needs beyond block events, over the node's REST API: the session and
 * window params, and balances/stakes at a given height (REST serves historical state through the
 * `x-cosmos-block-height` header).
 */

export interface SessionWindows {
  numBlocksPerSession: number;
  gracePeriodEndOffset: number;
  claimWindowOpenOffset: number;
  claimWindowCloseOffset: number;
  proofWindowOpenOffset: number;
  proofWindowCloseOffset: number;
  /** First block of the session grid (1 on a chain that never changed its session length). */
  anchorHeight: number;
}

/** Last block of the session that contains `height`. */
export function sessionEndOf(w: SessionWindows, height: number): number {
  const anchor = Math.max(1, w.anchorHeight);
  const start = anchor + Math.floor((height - anchor) / w.numBlocksPerSession) * w.numBlocksPerSession;
  return start + w.numBlocksPerSession - 1;
}

/**
 * The height to start sending a batch of relays at: now, in a session's first two blocks, else the
 * first block of the next session. The relay client takes its session once, at start, so a batch
 * that outlives the session (and its grace period) has its last relays refused.
 */
export function sendStartHeight(w: SessionWindows, height: number): number {
  const end = sessionEndOf(w, height);
  return end - height + 1 >= w.numBlocksPerSession - 1 ? height : end + 1;
}

/** The height whose end block settles (or expires) the claims of a session ending at `sessionEnd`. */
export function settlementHeightOf(w: SessionWindows, sessionEnd: number): number {
  return sessionEnd + w.claimWindowOpenOffset + 1 + w.claimWindowCloseOffset + w.proofWindowOpenOffset + w.proofWindowCloseOffset;
}

async function restGet<T>(restUrl: string, path: string, height?: number): Promise<T> {
  const url = `${restUrl.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(10_000),
      headers: height === undefined ? {} : { "x-cosmos-block-height": String(height) },
    });
  } catch (e) {
    throw new Error(`GET ${url}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`, { cause: e });
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${url}${height === undefined ? "" : ` at height ${height}`}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return JSON.parse(body) as T;
}

export async function sessionWindows(restUrl: string): Promise<SessionWindows> {
  const { params: p } = await restGet<{ params: Record<string, string | number | undefined> }>(restUrl, "/pokt-network/poktroll/shared/params");
  const n = (k: string) => {
    const v = Number(p[k] ?? 0);
    if (!Number.isInteger(v)) throw new Error(`shared params: ${k} = ${JSON.stringify(p[k])} is not an integer`);
    return v;
  };
  return {
    numBlocksPerSession: n("num_blocks_per_session"),
    gracePeriodEndOffset: n("grace_period_end_offset_blocks"),
    claimWindowOpenOffset: n("claim_window_open_offset_blocks"),
    claimWindowCloseOffset: n("claim_window_close_offset_blocks"),
    proofWindowOpenOffset: n("proof_window_open_offset_blocks"),
    proofWindowCloseOffset: n("proof_window_close_offset_blocks"),
    anchorHeight: n("session_grid_anchor_height") || 1,
  };
}

/** Liquid upokt of an account at a height. */
export async function balanceAt(restUrl: string, address: string, height: number): Promise<bigint> {
  const r = await restGet<{ balance?: { amount?: string } }>(restUrl, `/cosmos/bank/v1beta1/balances/${address}/by_denom?denom=upokt`, height);
  return BigInt(r.balance?.amount ?? "0");
}

/** An application's stake (upokt) at a height. */
export async function applicationStakeAt(restUrl: string, address: string, height: number): Promise<bigint> {
  const r = await restGet<{ application?: { stake?: { amount?: string } } }>(restUrl, `/pokt-network/poktroll/application/application/${address}`, height);
  return BigInt(r.application?.stake?.amount ?? "0");
}
