/** chaos's report as text: what was done, then each recovery with its time since the fault. */
import { type ActionReport, ok } from "./actions";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderText(r: ActionReport): string {
  const lines = [`chaos ${r.action}`, ...r.did.map((d) => `  did: ${d}`)];
  for (const s of r.saw) lines.push(`  ${s.ok ? "saw" : "NOT SEEN"}: ${s.what}${s.ok ? ` after ${seconds(s.afterMs)}: ${s.detail}` : `: ${s.detail}`}`);
  lines.push(ok(r) ? "recovered" : "NOT RECOVERED");
  return lines.join("\n");
}
