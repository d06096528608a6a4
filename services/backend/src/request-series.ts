/**
 * The per-request counter and duration histogram, kept in plain numbers on the hot path and handed
 * to prom-client only when scraped. prom-client's own `labels().inc()` / `observe()` hash their
 * label objects on every call, which cost more than parsing the request; the text format, the
 * registry and the cluster aggregation stay prom-client's (these objects are registered with it and
 * answer `get()` in its shape).
 */

/** What prom-client's registry reads from a metric when it formats or aggregates it. */
interface MetricSnapshot {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }>;
}

/** prom-client's default buckets, so dashboards and recording rules keep working. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface CounterSeries {
  labels: Record<string, string>;
  value: number;
}

interface HistogramSeries {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class FastCounter {
  readonly type = "counter";
  readonly aggregator = "sum";
  private readonly series = new Map<string, CounterSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The series for `key` (a caller-made unique key of `labels`), created on first use. */
  child(key: string, labels: Record<string, string>): CounterSeries {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, value: 0 }));
    return s;
  }

  /** registry.resetMetrics() calls this; zeroed in place because callers keep their series. */
  reset(): void {
    for (const s of this.series.values()) s.value = 0;
  }

  async get(): Promise<MetricSnapshot> {
    return {
      name: this.name,
      help: this.help,
      type: "counter",
      aggregator: "sum",
      values: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value, metricName: this.name })),
    };
  }
}

export class FastHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = DURATION_BUCKETS,
  ) {}

  child(key: string, labels: Record<string, string>): HistogramSeries {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 }));
    return s;
  }

  observe(s: HistogramSeries, seconds: number): void {
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]) i++;
    s.counts[i]++;
    s.sum += seconds;
    s.count++;
  }

  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  async get(): Promise<MetricSnapshot> {
    const values: MetricSnapshot["values"] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i];
        values.push({ labels: { le: i < this.buckets.length ? this.buckets[i] : "+Inf", ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: "histogram", aggregator: "sum", values };
  }
}
