/** `verify`'s output: a table per service and supplier, the sessions' timeline, balances, verdict. JSON keeps every field. */
import type { VerifyReport } from "./run";

const short = (a: string) => (a.length > 16 ? `${a.slice(0, 10)}…${a.slice(-4)}` : a);
const pokt = (upokt: bigint) => {
  const sign = upokt < 0n ? "-" : upokt > 0n ? "+" : "";
  const abs = upokt < 0n ? -upokt : upokt;
  return `${sign}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, "0")} POKT`;
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function renderText(r: VerifyReport): string {
  const rec = r.reconciliation;
  const out: string[] = [];
  out.push(
    `chain ${r.chain.id} at height ${r.chain.height}; sessions ending at ${r.scope.firstSessionEnd}..${r.scope.lastSessionEnd} (settled by height ${r.scope.toHeight}); waited ${r.waitedSeconds} s`,
  );
  if (r.send) out.push(`sent: ${r.send.succeeded} relays succeeded (exit ${r.send.exitCode})`);
  out.push("");
  out.push(
    rec.rows.length === 0
      ? "no relays served or claimed in these sessions"
      : table(
          ["service", "supplier", "served", "claimed", "proved", "settled", "expired", "settled POKT", "supplier got"],
          rec.rows.map((x) => [
            x.service,
            short(x.supplier),
            String(x.served),
            String(x.claimed),
            String(x.proved),
            String(x.settled),
            String(x.expired),
            pokt(x.settledUpokt).replace(/^\+/, ""),
            pokt(x.supplierRewardUpokt),
          ]),
        ),
  );
  if (r.timeline.length > 0) {
    out.push("", "sessions (seconds after the session's last block):");
    const s = (v: number | undefined) => (v === undefined ? "-" : `${v}`);
    out.push(
      table(
        ["service", "supplier", "session end", "claim", "proof", "settled"],
        r.timeline.map((t) => [t.service, short(t.supplier), String(t.sessionEndHeight), s(t.claimedAfterS), s(t.provedAfterS), s(t.settledAfterS)]),
      ),
    );
  }
  if (r.balances.length > 0) {
    out.push("", "balances:");
    for (const b of r.balances) out.push(`  ${b.role.padEnd(17)} ${short(b.account)}  ${pokt(b.after - b.before)}`);
  }
  for (const n of rec.notes) out.push(`note: ${n}`);
  out.push("");
  if (rec.ok) out.push("OK: every served relay was claimed, proved where required, and settled");
  else out.push("NOT OK:", ...rec.problems.map((p) => `  - ${p}`));
  return out.join("\n");
}

/** JSON with amounts as decimal strings (JSON has no bigint). */
export function renderJson(r: VerifyReport): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
