/**
 * The relay-path events of a poktroll block, decoded from CometBFT `block_results` (pure: JSON in,
 * typed events out). Claims and proofs arrive as transaction events; proof checks, settlements,
 * expiries and slashes as finalize-block events (so `list-proofs` never shows a proof: it is checked
 * and removed in the block it lands in). Attribute values are JSON (strings quoted, numbers as
 * strings); anything unreadable is skipped, never guessed.
 */

/** The session a claim is for: one supplier, service and application, identified by its end height. */
export interface SessionKey {
  supplier: string;
  service: string;
  application: string;
  sessionEndHeight: number;
}

interface Claimed extends SessionKey {
  height: number;
  relays: number;
  computeUnits: number;
  claimedUpokt: bigint;
}

export type ProofStatus = "pending" | "valid" | "invalid";
export type ProofRequirement = "not_required" | "probabilistic" | "threshold";

export type RelayEvent =
  | ({ kind: "claim" } & Claimed)
  | ({ kind: "proof" } & Claimed)
  | ({ kind: "proof_checked"; height: number; status: ProofStatus; failureReason: string } & SessionKey)
  | ({ kind: "settled"; sessionId: string; settledUpokt: bigint; proofRequirement: ProofRequirement; rewards: Record<string, bigint> } & Claimed)
  | ({ kind: "expired"; reason: string } & Claimed)
  | ({ kind: "slashed"; height: number; penaltyUpokt: bigint } & SessionKey);

export type RelayEventKind = RelayEvent["kind"];

interface RawEvent {
  type?: unknown;
  attributes?: unknown;
}

/** What `GET /block_results?height=N` answers (CometBFT 0.38: finalize_block_events). */
export interface BlockResultsResponse {
  result?: {
    height?: string;
    txs_results?: { code?: number; events?: RawEvent[] }[] | null;
    finalize_block_events?: RawEvent[] | null;
  };
}

const eventTypes: Record<string, RelayEventKind> = {
  "pocket.proof.EventClaimCreated": "claim",
  "pocket.proof.EventProofSubmitted": "proof",
  "pocket.proof.EventProofValidityChecked": "proof_checked",
  "pocket.tokenomics.EventClaimSettled": "settled",
  "pocket.tokenomics.EventClaimExpired": "expired",
  "pocket.tokenomics.EventSupplierSlashed": "slashed",
};

const proofStatuses: ProofStatus[] = ["pending", "valid", "invalid"];
const proofRequirements: ProofRequirement[] = ["not_required", "probabilistic", "threshold"];
const expirationReasons = ["UNSPECIFIED", "PROOF_MISSING", "PROOF_INVALID"];

/** Attribute values are JSON ("\"200\"", "1"); a value that is not JSON is taken as text. */
function attributesOf(e: RawEvent): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(e.attributes)) return out;
  for (const a of e.attributes as { key?: unknown; value?: unknown }[]) {
    if (typeof a?.key !== "string" || typeof a.value !== "string") continue;
    let v: unknown = a.value;
    try {
      v = JSON.parse(a.value);
    } catch {
      // plain text (e.g. mode = EndBlock)
    }
    out.set(a.key, v);
  }
  return out;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const s = text(v);
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined;
};
/** "20000000upokt" or "20000000" → 20000000n. */
const upokt = (v: unknown): bigint | undefined => {
  const m = /^(\d+)(upokt)?$/.exec(text(v) ?? "");
  return m ? BigInt(m[1]) : undefined;
};
/** An enum as its name or its number. */
const enumValue = <T extends string>(v: unknown, names: readonly T[], normalize = (s: string) => s.toLowerCase() as T): T | undefined => {
  const n = int(v);
  if (n !== undefined) return names[n];
  const s = text(v);
  return s !== undefined ? normalize(s) : undefined;
};

function sessionKeyOf(a: Map<string, unknown>): SessionKey | undefined {
  const supplier = text(a.get("supplier_operator_address"));
  const service = text(a.get("service_id"));
  const application = text(a.get("application_address"));
  const sessionEndHeight = int(a.get("session_end_block_height"));
  if (!supplier || !service || !application || sessionEndHeight === undefined) return undefined;
  return { supplier, service, application, sessionEndHeight };
}

function claimedOf(a: Map<string, unknown>, height: number): Claimed | undefined {
  const key = sessionKeyOf(a);
  const relays = int(a.get("num_relays"));
  const computeUnits = int(a.get("num_claimed_compute_units"));
  const claimedUpokt = upokt(a.get("claimed_upokt"));
  if (!key || relays === undefined || computeUnits === undefined || claimedUpokt === undefined) return undefined;
  return { ...key, height, relays, computeUnits, claimedUpokt };
}

function decodeOne(e: RawEvent, height: number): RelayEvent | undefined {
  const kind = typeof e.type === "string" ? eventTypes[e.type] : undefined;
  if (!kind) return undefined;
  const a = attributesOf(e);
  switch (kind) {
    case "claim":
    case "proof": {
      const c = claimedOf(a, height);
      return c && { kind, ...c };
    }
    case "proof_checked": {
      const key = sessionKeyOf(a);
      const status = enumValue(a.get("claim_proof_status_int"), proofStatuses);
      return key && status && { kind, ...key, height, status, failureReason: text(a.get("failure_reason")) ?? "" };
    }
    case "settled": {
      const c = claimedOf(a, height);
      const settledUpokt = upokt(a.get("settled_upokt"));
      const proofRequirement = enumValue(a.get("proof_requirement_int"), proofRequirements);
      if (!c || settledUpokt === undefined || !proofRequirement) return undefined;
      const rewards: Record<string, bigint> = {};
      const dist = a.get("reward_distribution");
      if (dist && typeof dist === "object") {
        for (const [addr, amount] of Object.entries(dist as Record<string, unknown>)) {
          const v = upokt(amount);
          if (v !== undefined) rewards[addr] = v;
        }
      }
      return { kind, ...c, sessionId: text(a.get("session_id")) ?? "", settledUpokt, proofRequirement, rewards };
    }
    case "expired": {
      const c = claimedOf(a, height);
      const reason = enumValue(a.get("expiration_reason"), expirationReasons, (s) => s.toUpperCase());
      return c && { kind, ...c, reason: reason ?? "UNKNOWN" };
    }
    case "slashed": {
      const key = sessionKeyOf(a);
      const penaltyUpokt = upokt(a.get("proof_missing_penalty"));
      return key && penaltyUpokt !== undefined ? { kind, ...key, height, penaltyUpokt } : undefined;
    }
  }
}

/** Relay-path events of one block, in block order (transactions first, then finalize-block events). */
export function decodeBlockResults(response: BlockResultsResponse, height: number): RelayEvent[] {
  const r = response.result ?? {};
  const out: RelayEvent[] = [];
  for (const tx of r.txs_results ?? []) {
    if ((tx.code ?? 0) !== 0) continue; // a failed tx changed nothing
    for (const e of tx.events ?? []) {
      const ev = decodeOne(e, height);
      if (ev) out.push(ev);
    }
  }
  for (const e of r.finalize_block_events ?? []) {
    const ev = decodeOne(e, height);
    if (ev) out.push(ev);
  }
  return out;
}

/** One string per session, for grouping events. */
export const sessionKeyText = (k: SessionKey): string => `${k.supplier}/${k.service}/${k.application}/${k.sessionEndHeight}`;
