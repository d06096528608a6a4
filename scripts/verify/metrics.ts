/**
 * What the relayers say they served: `ha_relayer_relays_published_total{service_id, supplier}`
 * (relays answered, mined and written to the supplier's Redis stream), summed over every relayer,
 * and when each relayer process started (its counters count from then).
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Samples of one metric in a Prometheus text exposition (comments and other metrics skipped). */
export function samplesOf(exposition: string, metric: string): Sample[] {
  const out: Sample[] = [];
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== metric) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ labels, value });
  }
  return out;
}

/** Relays per `<service>|<supplier>`. */
export type ServedCounts = Map<string, number>;

export const servedKey = (service: string, supplier: string) => `${service}|${supplier}`;

export interface RelayerCounters {
  served: ServedCounts;
  /** Earliest process start among the relayers (epoch ms); their counters cover the time since. */
  oldestStartMs: number;
  relayers: number;
}

export const publishedMetric = "ha_relayer_relays_published_total";

export function countersOf(expositions: string[]): RelayerCounters {
  const served: ServedCounts = new Map();
  let oldestStartMs = Infinity;
  for (const text of expositions) {
    for (const s of samplesOf(text, publishedMetric)) {
      const key = servedKey(s.labels.service_id ?? "", s.labels.supplier ?? "");
      served.set(key, (served.get(key) ?? 0) + s.value);
    }
    const start = samplesOf(text, "process_start_time_seconds")[0]?.value;
    if (start !== undefined) oldestStartMs = Math.min(oldestStartMs, start * 1000);
  }
  return { served, oldestStartMs, relayers: expositions.length };
}

/** `after − before` per key (a counter that went down means its relayer restarted: counted from zero). */
export function servedBetween(before: ServedCounts, after: ServedCounts): ServedCounts {
  const out: ServedCounts = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    out.set(k, d >= 0 ? d : v);
  }
  return out;
}

export async function scrapeRelayers(urls: string[], timeoutMs = 5000): Promise<RelayerCounters> {
  const texts = await Promise.all(
    urls.map(async (url) => {
      const target = `${url.replace(/\/+$/, "")}/metrics`;
      let res: Response;
      try {
        res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new Error(`GET ${target}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`, { cause: e });
      }
      if (!res.ok) throw new Error(`GET ${target}: HTTP ${res.status}`);
      return res.text();
    }),
  );
  return countersOf(texts);
}

const total = (c: ServedCounts) => [...c.values()].reduce((a, b) => a + b, 0);

/**
 * The counters once they stop moving: a relayer publishes a relay after answering it (and in
 * optimistic mode validates it after that), so right after the client returns the last relays may
 * not be counted yet. Scrapes every `intervalMs` until two agree, at most `maxMs`.
 */
export async function scrapeSettled(urls: string[], sleep: (ms: number) => Promise<void>, intervalMs = 500, maxMs = 10_000): Promise<RelayerCounters> {
  let last = await scrapeRelayers(urls);
  for (let waited = 0; waited < maxMs; waited += intervalMs) {
    await sleep(intervalMs);
    const next = await scrapeRelayers(urls);
    if (total(next.served) === total(last.served)) return next;
    last = next;
  }
  return last;
}
