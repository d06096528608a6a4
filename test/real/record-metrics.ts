/**
 * Recording what Prometheus stored during a live run as the dashboards' metric fixtures: with
 * RML_RECORD_METRICS=<dir>, one `<dir>/<job>.prom` per scrape job holding every series the job's
 * targets exported at any time in the run (last value), with the target labels Prometheus added,
 * in the text exposition format, and `metadata.json`: each metric's type as its exporter declared
 * it. Nothing is edited; the headers say when and how.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface MatrixAnswer {
  status: string;
  error?: string;
  data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] };
}

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Every series of `job` seen in the last `rangeSeconds`, as exposition lines (sorted). */
export async function seriesOfJob(prometheusUrl: string, job: string, rangeSeconds: number): Promise<string[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: `{job="${job}"}[${rangeSeconds}s]` }).toString(),
    signal: AbortSignal.timeout(60_000),
  });
  const a = (await res.json()) as MatrixAnswer;
  if (a.status !== "success") throw new Error(`series of job ${job}: ${a.error}`);
  return (a.data?.result ?? [])
    .map(({ metric, values }) => {
      const { __name__: name, ...labels } = metric;
      const l = Object.keys(labels)
        .sort()
        .map((k) => `${k}="${escape(labels[k])}"`)
        .join(",");
      return `${name}${l ? `{${l}}` : ""} ${values.at(-1)?.[1] ?? "NaN"}`;
    })
    .sort();
}

export async function recordMetrics(prometheusUrl: string, jobs: readonly string[], rangeSeconds: number, header: string[]): Promise<string[]> {
  const dir = process.env.RML_RECORD_METRICS;
  if (!dir) return [];
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const job of jobs) {
    const lines = await seriesOfJob(prometheusUrl, job, rangeSeconds);
    const file = join(dir, `${job}.prom`);
    writeFileSync(file, [...header.map((h) => `# ${h}`), `# job="${job}": ${lines.length} series`, ...lines, ""].join("\n"));
    files.push(file);
  }
  const meta = (await (await fetch(`${prometheusUrl}/api/v1/metadata`, { signal: AbortSignal.timeout(30_000) })).json()) as { data?: Record<string, { type: string }[]> };
  const types = Object.fromEntries(
    Object.entries(meta.data ?? {})
      .map(([name, m]) => [name, m[0]?.type ?? "unknown"] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const metaFile = join(dir, "metadata.json");
  writeFileSync(metaFile, `${JSON.stringify(types, null, 1)}\n`);
  files.push(metaFile);
  return files;
}
