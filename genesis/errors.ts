/**
 * Input errors of the genesis generator. Every check collects `Problem`s instead of throwing at the
 * first one, so a user fixing a YAML file sees all of its mistakes in one run.
 */
import { terminalSafe } from "./text-input";

export interface Problem {
  /** Where in the YAML, e.g. `suppliers[3].services[0].revShare`. Empty for the document root. */
  path: string;
  /** What is wrong, including the bad value (never a secret) and what is allowed. */
  message: string;
}

export class GenesisInputError extends Error {
  readonly source: string;
  readonly problems: readonly Problem[];

  constructor(source: string, problems: readonly Problem[]) {
    super(formatProblems(source, problems));
    this.name = "GenesisInputError";
    this.source = source;
    this.problems = problems;
  }
}

/** Problems printed in full; the rest are counted, so 100,000 duplicates do not flood a terminal. */
export const SHOWN_PROBLEMS = 50;

export function formatProblems(source: string, problems: readonly Problem[]): string {
  const head = problems.length === 1 ? `invalid genesis input ${terminalSafe(source)}:` : `invalid genesis input ${terminalSafe(source)} (${problems.length} problems):`;
  const lines = problems.slice(0, SHOWN_PROBLEMS).map((p) => terminalSafe(`  - ${p.path === "" ? "(root)" : p.path}: ${p.message}`));
  if (problems.length > SHOWN_PROBLEMS) lines.push(`  … and ${problems.length - SHOWN_PROBLEMS} more`);
  return [head, ...lines].join("\n");
}

/** `["suppliers", 3, "stake"]` -> `suppliers[3].stake` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** A short, log-safe rendering of a user value for error messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? JSON.stringify(value) : safeJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
