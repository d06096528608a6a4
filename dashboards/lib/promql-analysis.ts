/**
 * A small PromQL scanner for the tests: which metric names an expression reads, which label names it
 * mentions, which metric each rate()-like function is applied to, and whether histogram_quantile
 * groups by `le`. Prometheus itself checks the syntax (the evaluation test); this only has to
 * classify identifiers correctly in the expressions our builders produce.
 */

type Token = { kind: "ident" | "string" | "number" | "punct" | "op"; text: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === "\\" ? 2 : 1;
      out.push({ kind: "string", text: expr.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "[") {
      // Range or subquery durations (`[5m]`, `[$__rate_interval]`, `[1h:1m]`) name nothing.
      i = expr.indexOf("]", i) + 1 || expr.length;
    } else if (/[A-Za-z_:]/.test(c)) {
      const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))!;
      out.push({ kind: "ident", text: m[0] });
      i += m[0].length;
    } else if (/[0-9.]/.test(c)) {
      const m = /^[0-9.]+(e[+-]?[0-9]+)?/i.exec(expr.slice(i))!;
      out.push({ kind: "number", text: m[0] });
      i += m[0].length;
    } else if (/[(){},]/.test(c)) {
      out.push({ kind: "punct", text: c });
      i++;
    } else {
      const m = /^(=~|!~|!=|==|>=|<=|[=<>+\-*/%^])/.exec(expr.slice(i));
      out.push({ kind: "op", text: m ? m[0] : c });
      i += m ? m[0].length : 1;
    }
  }
  return out;
}

const grouping = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const keywords = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan", ...grouping]);
const rateLike = new Set(["rate", "irate", "increase", "resets", "delta", "idelta"]);
const counterOnly = new Set(["rate", "irate", "increase", "resets"]);

export interface PromqlFacts {
  metrics: string[];
  labels: string[];
  /** For each rate()/increase()/… call, the function and the metric it reads. */
  rateCalls: Array<{ fn: string; metric: string }>;
  /** Grouping label lists that follow each histogram_quantile( call. */
  quantileGroupings: string[][];
}

export function analyze(expr: string): PromqlFacts {
  const t = tokenize(expr);
  const metrics: string[] = [];
  const labels: string[] = [];
  const rateCalls: PromqlFacts["rateCalls"] = [];
  const quantileGroupings: string[][] = [];
  const pendingRate: string[] = [];
  let pendingQuantile = false;
  let braceDepth = 0;

  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    const next = t[i + 1];
    if (tok.kind === "punct" && tok.text === "{") braceDepth++;
    else if (tok.kind === "punct" && tok.text === "}") braceDepth--;
    if (tok.kind !== "ident") continue;

    if (braceDepth > 0) {
      // Inside a selector: `label op "value"`.
      if (next?.kind === "op") labels.push(tok.text);
      continue;
    }
    if (grouping.has(tok.text) && next?.text === "(") {
      const list: string[] = [];
      let j = i + 2;
      for (; j < t.length && t[j].text !== ")"; j++) if (t[j].kind === "ident") list.push(t[j].text);
      labels.push(...list);
      if (pendingQuantile && (tok.text === "by" || tok.text === "without")) {
        quantileGroupings.push(list);
        pendingQuantile = false;
      }
      i = j;
      continue;
    }
    if (keywords.has(tok.text.toLowerCase())) continue;
    // `sum by (x) (…)`: an aggregation operator whose grouping comes first.
    if (next?.kind === "ident" && (next.text === "by" || next.text === "without")) continue;
    if (next?.text === "(") {
      if (rateLike.has(tok.text)) pendingRate.push(tok.text);
      if (tok.text === "histogram_quantile") pendingQuantile = true;
      continue;
    }
    metrics.push(tok.text);
    const fn = pendingRate.shift();
    if (fn) rateCalls.push({ fn, metric: tok.text });
  }
  return { metrics: [...new Set(metrics)], labels: [...new Set(labels)], rateCalls, quantileGroupings };
}

export interface LabelMatcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface Selector {
  metric: string;
  matchers: LabelMatcher[];
}

/** `metric{…}` at tokens[i] (an identifier): the selector and the index after it. */
function selectorAt(t: Token[], i: number): { selector: Selector; next: number } {
  const matchers: LabelMatcher[] = [];
  let j = i + 1;
  if (t[j]?.text === "{") {
    j++;
    while (j < t.length && t[j].text !== "}") {
      const [label, op, value] = [t[j], t[j + 1], t[j + 2]];
      if (label?.kind === "ident" && op?.kind === "op" && value?.kind === "string" && ["=", "!=", "=~", "!~"].includes(op.text)) {
        matchers.push({ label: label.text, op: op.text as LabelMatcher["op"], value: value.text });
        j += 3;
      } else j++;
    }
    j++;
  }
  return { selector: { metric: t[i].text, matchers }, next: j };
}

/**
 * Whether an expression can return data, given which selectors match stored series: `a or b` needs
 * one side, `a unless b` only `a`, anything else (`a / b`, `a and b`, a function call) every
 * selector it contains. `vector(0)` and literals always can. Enough for the shapes our builders
 * write; Prometheus itself is the judge in the live tests.
 */
export function canHaveData(expr: string, matches: (s: Selector) => boolean): boolean {
  const t = tokenize(expr);
  const evalRange = (from: number, to: number): boolean => {
    // Split on `or` / `unless` at this depth.
    const parts: Array<{ from: number; to: number; op: string }> = [];
    let depth = 0;
    let start = from;
    let op = "";
    for (let i = from; i < to; i++) {
      const x = t[i];
      if (x.text === "(" || x.text === "{") depth++;
      else if (x.text === ")" || x.text === "}") depth--;
      else if (depth === 0 && x.kind === "ident" && (x.text === "or" || x.text === "unless")) {
        parts.push({ from: start, to: i, op });
        op = x.text;
        start = i + 1;
      }
    }
    parts.push({ from: start, to, op });
    let result = false;
    let first = true;
    for (const p of parts) {
      if (p.op === "unless") continue;
      const v = evalAll(p.from, p.to);
      result = first ? v : result || v;
      first = false;
    }
    return result;
  };
  const evalAll = (from: number, to: number): boolean => {
    for (let i = from; i < to; i++) {
      const x = t[i];
      if (x.text === "(") {
        let depth = 1;
        let j = i + 1;
        for (; j < to && depth > 0; j++) {
          if (t[j].text === "(") depth++;
          else if (t[j].text === ")") depth--;
        }
        if (!evalRange(i + 1, j - 1)) return false;
        i = j - 1;
        continue;
      }
      if (x.kind !== "ident") continue;
      if (grouping.has(x.text) && t[i + 1]?.text === "(") {
        // by (…) / on (…): label lists, not expressions.
        while (i < to && t[i].text !== ")") i++;
        continue;
      }
      if (keywords.has(x.text.toLowerCase())) continue;
      if (t[i + 1]?.text === "(" || (t[i + 1]?.kind === "ident" && (t[i + 1].text === "by" || t[i + 1].text === "without"))) continue;
      const { selector, next } = selectorAt(t, i);
      if (!matches(selector)) return false;
      i = next - 1;
    }
    return true;
  };
  return evalRange(0, t.length);
}

/** Functions that are only meaningful on counters (as opposed to delta/idelta on gauges). */
export function requiresCounter(fn: string): boolean {
  return counterOnly.has(fn);
}
