/** The text form of a status snapshot: short sections, one line per thing, empty states said out loud. */
import type { StatusSnapshot } from "./collect";
import { keys } from "./keys";

function duration(ms: number | null): string {
  if (ms === null) return "no expiry";
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(s < 10 ? 1 : 0)}s` : `${Math.round(s / 60)}m`;
}

/** Left-aligned columns. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")}`.trimEnd());
}

export function renderText(s: StatusSnapshot): string {
  const out: string[] = [`Redis ${s.redis.url} (${s.redis.mode})`, ""];

  if (s.problems.length > 0) {
    out.push(`Unreadable keys (${s.problems.length}); the sections below leave them out:`);
    out.push(...s.problems.map((p) => `  ${p.key}: ${p.problem}`), "");
  }

  const leaderProblem = s.problems.some((p) => p.key === keys.leaderLock);
  out.push(
    s.leader
      ? `Leader: ${s.leader.holder} (${s.leader.ttlMs === null ? "the lock has no expiry; miners always set one, so something else wrote it" : `lock expires in ${duration(s.leader.ttlMs)}`})`
      : leaderProblem
        ? `Leader: unknown (${keys.leaderLock} is unreadable, see above)`
        : "Leader: none (no miner holds the leader lock)",
  );

  out.push("", `Miners (${s.miners.length}):`);
  if (s.miners.length === 0) out.push("  none registered");
  else {
    out.push(
      ...table([
        ["INSTANCE", "ROLE", "HEARTBEAT", "LEASES", "REGISTERED"],
        ...s.miners.map((m) => [
          m.id,
          m.leader ? "leader" : "standby",
          m.heartbeatAgeMs === null ? "missing (stale)" : `${duration(m.heartbeatAgeMs)} ago`,
          String(m.leases),
          m.registered ? "yes" : "no",
        ]),
      ]),
    );
  }

  out.push("", `Supplier leases (${s.leases.length}):`);
  if (s.leases.length === 0) out.push("  none");
  else out.push(...table([["SUPPLIER", "OWNER", "EXPIRES IN"], ...s.leases.map((l) => [l.supplier, l.owner, duration(l.ttlMs)])]));

  out.push("", `Relay streams (${s.streams.length}):`);
  if (s.streams.length === 0) out.push("  none (no relay published yet)");
  else {
    out.push(
      ...table([
        ["SUPPLIER", "LENGTH", "PENDING", "LAG", "CONSUMERS"],
        ...s.streams.map((st) =>
          st.group
            ? [st.supplier, String(st.length), String(st.group.pending), st.group.lag === null ? "?" : String(st.group.lag), String(st.group.consumers)]
            : [st.supplier, String(st.length), "-", "-", "no ha-miners group"],
        ),
      ]),
    );
  }

  const b = s.latestBlock;
  out.push(
    "",
    b
      ? `Latest block event: height ${b.height ?? "?"}${b.hash ? ` hash ${b.hash}` : ""}${b.timestamp !== undefined ? ` at ${b.timestamp}` : ""}${b.raw !== undefined ? ` (raw: ${b.raw})` : ""}`
      : s.blockWaitMs > 0
        ? `Latest block event: none within ${duration(s.blockWaitMs)} (the leader miner publishes them)`
        : "Latest block event: not checked (--block-wait 0)",
  );

  out.push("", `Sessions (${s.sessions.length} suppliers):`);
  if (s.sessions.length === 0) out.push("  none");
  else {
    const states = [...new Set(s.sessions.flatMap((x) => Object.keys(x.byState)))].sort();
    out.push(
      ...table([
        ["SUPPLIER", "TOTAL", ...states.map((x) => x.toUpperCase())],
        ...s.sessions.map((x) => [x.supplier, String(x.total), ...states.map((st) => String(x.byState[st] ?? 0))]),
      ]),
    );
  }
  return out.join("\n");
}
