/**
 * Served relays against what the chain did with them (pure). A session is one supplier, service
 * and application up to a session end height; the chain reports its claim, proof, proof check and
 * settlement (or expiry) as events. Every relay the relayers served must come back settled.
 */
import { type RelayEvent, type SessionKey, sessionKeyText } from "../../services/chain-exporter/chain-events";
import { servedKey, type ServedCounts } from "./metrics";

export interface SessionOutcome extends SessionKey {
  claimHeight?: number;
  claimedRelays: number;
  proofHeight?: number;
  proofStatus?: "pending" | "valid" | "invalid";
  proofRequirement?: string;
  settledHeight?: number;
  settledRelays: number;
  settledUpokt: bigint;
  supplierRewardUpokt: bigint;
  expired?: { height: number; reason: string; relays: number };
}

export interface ReconciledRow {
  service: string;
  supplier: string;
  served: number;
  claimed: number;
  proved: number;
  settled: number;
  expired: number;
  settledUpokt: bigint;
  supplierRewardUpokt: bigint;
}

export interface Reconciliation {
  rows: ReconciledRow[];
  sessions: SessionOutcome[];
  /** Why the localnet lost or has not yet settled relays; empty = every served relay is accounted for. */
  problems: string[];
  /** Worth knowing, not a failure. */
  notes: string[];
  ok: boolean;
}

export interface Scope {
  /** Sessions ending in this range (inclusive) are the ones reconciled. */
  firstSessionEnd: number;
  lastSessionEnd: number;
}

const short = (address: string) => (address.length > 16 ? `${address.slice(0, 10)}…${address.slice(-4)}` : address);

function outcomes(events: RelayEvent[], scope: Scope): SessionOutcome[] {
  const byKey = new Map<string, SessionOutcome>();
  const get = (k: SessionKey) => {
    const id = sessionKeyText(k);
    let o = byKey.get(id);
    if (!o) {
      o = {
        supplier: k.supplier,
        service: k.service,
        application: k.application,
        sessionEndHeight: k.sessionEndHeight,
        claimedRelays: 0,
        settledRelays: 0,
        settledUpokt: 0n,
        supplierRewardUpokt: 0n,
      };
      byKey.set(id, o);
    }
    return o;
  };
  for (const e of events) {
    if (e.sessionEndHeight < scope.firstSessionEnd || e.sessionEndHeight > scope.lastSessionEnd) continue;
    const o = get(e);
    switch (e.kind) {
      case "claim":
        o.claimHeight = e.height;
        o.claimedRelays = e.relays;
        break;
      case "proof":
        o.proofHeight = e.height;
        o.proofStatus ??= "pending";
        break;
      case "proof_checked":
        o.proofStatus = e.status;
        break;
      case "settled":
        o.settledHeight = e.height;
        o.settledRelays = e.relays;
        o.settledUpokt = e.settledUpokt;
        o.proofRequirement = e.proofRequirement;
        o.supplierRewardUpokt = e.rewards[e.supplier] ?? 0n;
        break;
      case "expired":
        o.expired = { height: e.height, reason: e.reason, relays: e.relays };
        break;
      case "slashed":
        break;
    }
  }
  return [...byKey.values()].sort((a, b) => a.sessionEndHeight - b.sessionEndHeight || sessionKeyText(a).localeCompare(sessionKeyText(b)));
}

export function reconcile(served: ServedCounts, events: RelayEvent[], scope: Scope): Reconciliation {
  const sessions = outcomes(events, scope);
  const problems: string[] = [];
  const notes: string[] = [];
  const rows = new Map<string, ReconciledRow>();
  const row = (service: string, supplier: string) => {
    const k = servedKey(service, supplier);
    let r = rows.get(k);
    if (!r) {
      r = { service, supplier, served: served.get(k) ?? 0, claimed: 0, proved: 0, settled: 0, expired: 0, settledUpokt: 0n, supplierRewardUpokt: 0n };
      rows.set(k, r);
    }
    return r;
  };
  for (const [k, n] of served) if (n > 0) row(...(k.split("|") as [string, string]));
  for (const s of sessions) {
    const r = row(s.service, s.supplier);
    const what = `session ending at ${s.sessionEndHeight} (${s.service}, supplier ${short(s.supplier)}, application ${short(s.application)})`;
    r.claimed += s.claimedRelays;
    if (s.proofStatus === "valid") r.proved += s.claimedRelays;
    r.settled += s.settledRelays;
    r.settledUpokt += s.settledUpokt;
    r.supplierRewardUpokt += s.supplierRewardUpokt;
    if (s.expired) {
      r.expired += s.expired.relays;
      problems.push(`${what}: the claim for ${s.expired.relays} relays expired at height ${s.expired.height} (${s.expired.reason})`);
    } else if (s.proofStatus === "invalid") {
      problems.push(`${what}: the proof at height ${s.proofHeight} was invalid`);
    } else if (s.claimHeight !== undefined && s.settledHeight === undefined) {
      problems.push(`${what}: claimed ${s.claimedRelays} relays at height ${s.claimHeight} but not settled yet`);
    }
  }
  for (const r of rows.values()) {
    if (r.served > r.settled) {
      problems.push(
        `${r.service}, supplier ${short(r.supplier)}: ${r.served - r.settled} of ${r.served} served relays were not settled (claimed ${r.claimed}, settled ${r.settled})`,
      );
    } else if (r.settled > r.served) {
      notes.push(
        `${r.service}, supplier ${short(r.supplier)}: ${r.settled} settled, ${r.served} counted by the relayers (traffic outside the counted window, or a relayer restarted)`,
      );
    }
  }
  const sorted = [...rows.values()].sort((a, b) => servedKey(a.service, a.supplier).localeCompare(servedKey(b.service, b.supplier)));
  return { rows: sorted, sessions, problems, notes, ok: problems.length === 0 };
}
