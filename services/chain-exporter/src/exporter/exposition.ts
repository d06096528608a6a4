/**
 * A small Prometheus registry: counters and gauges with labels, rendered in the text exposition
 * format (version 0.0.4). The exporter has no runtime dependencies, so this is the whole client
 * library it needs; series are rendered in a stable order so a scrape is easy to read and diff.
 */

export type Labels = Readonly<Record<string, string>>;
type MetricType = "counter" | "gauge";

interface Series {
  labels: Labels;
  value: number;
}

/** Label values are quoted; backslash, double quote and newline are escaped. */
const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export class Family {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {}

  private key(labels: Labels): string {
    const names = Object.keys(labels).sort();
    const expected = [...this.labelNames].sort();
    if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
      throw new Error(`${this.name}: labels ${JSON.stringify(names)} do not match its label names ${JSON.stringify(expected)}`);
    }
    return JSON.stringify(this.labelNames.map((n) => labels[n]));
  }

  /** Adds `by` (≥ 0 for counters) to the series with these labels, creating it at 0. */
  inc(labels: Labels = {}, by = 1): void {
    if (this.type === "counter" && !(by >= 0)) throw new Error(`${this.name}: a counter cannot move by ${by}`);
    const k = this.key(labels);
    const s = this.series.get(k) ?? { labels, value: 0 };
    s.value += by;
    this.series.set(k, s);
  }

  set(labels: Labels, value: number): void {
    if (this.type === "counter") throw new Error(`${this.name}: set() is for gauges`);
    this.series.set(this.key(labels), { labels, value });
  }

  /** Drops every series (a gauge family rebuilt from a fresh read). */
  clear(): void {
    this.series.clear();
  }

  value(labels: Labels = {}): number | undefined {
    return this.series.get(this.key(labels))?.value;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    const rows = [...this.series.values()].map((s) => {
      const labels = this.labelNames.map((n) => `${n}="${escapeValue(s.labels[n] ?? "")}"`).join(",");
      return `${this.name}${labels ? `{${labels}}` : ""} ${Number.isFinite(s.value) ? String(s.value) : s.value > 0 ? "+Inf" : s.value < 0 ? "-Inf" : "NaN"}`;
    });
    return [...lines, ...rows.sort()].join("\n");
  }
}

export class Registry {
  private readonly families: Family[] = [];

  private add(name: string, help: string, type: MetricType, labelNames: readonly string[]): Family {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`bad metric name ${name}`);
    if (this.families.some((f) => f.name === name)) throw new Error(`metric ${name} is registered twice`);
    const f = new Family(name, help, type, labelNames);
    this.families.push(f);
    return f;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Family {
    return this.add(name, help, "counter", labelNames);
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Family {
    return this.add(name, help, "gauge", labelNames);
  }

  /** The whole scrape, families in registration order. */
  render(): string {
    return `${this.families.map((f) => f.render()).join("\n")}\n`;
  }
}
