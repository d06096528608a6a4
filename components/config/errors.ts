/** Config problems: each names the key, the bad value and what is allowed. */

export interface ConfigProblem {
  /** Dotted key, e.g. "relayer.count". */
  key: string;
  /** The value as the user gave it (undefined when the problem is a missing or unknown key). */
  value?: unknown;
  /** What is wrong and what is allowed, one sentence. */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblem(p: ConfigProblem): string {
  const value = p.value === undefined ? "" : ` = ${show(p.value)}`;
  return `${p.key}${value}: ${p.message}`;
}

export function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${formatProblem(p)}`);
  const noun = problems.length === 1 ? "problem" : "problems";
  return [
    `Invalid relayminer-localnet stack configuration (${problems.length} ${noun}):`,
    ...lines,
    "Fix them with `pulumi config set <key> <value>` (or `pulumi config rm <key>`); see README.md, section Configuration.",
  ].join("\n");
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest known name, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (!best || d < best.d) best = { name: k, d };
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return best && best.d <= limit ? best.name : undefined;
}
