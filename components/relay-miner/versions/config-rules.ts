/**
 * The rules a relay-miner version applies to its config.yaml, as data, and the checker that
 * applies them to a config object (pure). Paths are dotted; `*` in a path stands for every key of
 * a map (`services.*.backends`). Each version's rules are facts taken from its own config schema
 * and config loader (rules-*.ts); only the rules that matter to what the localnet renders, or to
 * overrides a user may set, are encoded.
 */

export interface ConfigRules {
  /** Paths that must hold a non-empty value. */
  required: readonly string[];
  /** Groups of paths of which exactly one must be set (mutually exclusive, one required). */
  exactlyOne: readonly (readonly string[])[];
  /** Groups of paths of which at least one must be set. */
  atLeastOne: readonly (readonly string[])[];
  /** Paths whose value must be one of these strings. */
  oneOf: Readonly<Record<string, readonly string[]>>;
  /** Map paths whose keys must be one of these strings. */
  keysOneOf: Readonly<Record<string, readonly string[]>>;
  /** Paths whose number must be at least this. */
  minimum: Readonly<Record<string, number>>;
  /** Pairs [a, b]: when both are set, a must be less than b. */
  lessThan: readonly (readonly [string, string])[];
  /** Paths whose string must match; `like` says what is allowed. */
  pattern: Readonly<Record<string, { re: RegExp; like: string }>>;
  /** Keys the version no longer reads (its validate refuses them), with what to do instead. */
  retired: Readonly<Record<string, string>>;
  /**
   * Keys the version knows under a path ("" is the top level); any other key there is refused.
   * Only for versions whose `validate` refuses unknown keys.
   */
  known: Readonly<Record<string, readonly string[]>>;
}

const noRules: ConfigRules = { required: [], exactlyOne: [], atLeastOne: [], oneOf: {}, keysOneOf: {}, minimum: {}, lessThan: [], pattern: {}, retired: {}, known: {} };

/** Rules built from a shared base: lists are joined, and a record entry of `more` replaces the base's. */
export function rulesOf(base: Partial<ConfigRules>, more: Partial<ConfigRules> = {}): ConfigRules {
  const a = { ...noRules, ...base };
  const b = { ...noRules, ...more };
  return {
    required: [...a.required, ...b.required],
    exactlyOne: [...a.exactlyOne, ...b.exactlyOne],
    atLeastOne: [...a.atLeastOne, ...b.atLeastOne],
    oneOf: { ...a.oneOf, ...b.oneOf },
    keysOneOf: { ...a.keysOneOf, ...b.keysOneOf },
    minimum: { ...a.minimum, ...b.minimum },
    lessThan: [...a.lessThan, ...b.lessThan],
    pattern: { ...a.pattern, ...b.pattern },
    retired: { ...a.retired, ...b.retired },
    known: { ...a.known, ...b.known },
  };
}

/** One broken rule: the path in the config document, the value there, and what is allowed. */
export interface RuleViolation {
  path: string;
  value?: unknown;
  message: string;
}

type Doc = Record<string, unknown>;

const isMap = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);
const isSet = (v: unknown) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0) && !(isMap(v) && Object.keys(v).length === 0);

/** Every concrete (path, value) a pattern path names in the document; absent leaves come back undefined. */
export function resolvePath(doc: Doc, pattern: string): { path: string; value: unknown }[] {
  let found: { path: string[]; value: unknown }[] = [{ path: [], value: doc }];
  for (const part of pattern === "" ? [] : pattern.split(".")) {
    found = found.flatMap(({ path, value }) => {
      if (part === "*") return isMap(value) ? Object.entries(value).map(([k, v]) => ({ path: [...path, k], value: v })) : [];
      return [{ path: [...path, part], value: isMap(value) ? value[part] : undefined }];
    });
  }
  return found.map(({ path, value }) => ({ path: path.join("."), value }));
}

/** The parents of a rule's leaf that exist in the document (so `a.*.b` rules apply per map entry). */
function withinParents(doc: Doc, pattern: string): { prefix: string; parent: unknown }[] {
  const cut = pattern.lastIndexOf(".");
  if (cut === -1) return [{ prefix: "", parent: doc }];
  return resolvePath(doc, pattern.slice(0, cut))
    .filter((p) => p.value !== undefined)
    .map((p) => ({ prefix: `${p.path}.`, parent: p.value }));
}

/** The group's leaves under each existing parent: `keys.keys_file` and `keys.keyring` share `keys`. */
function groupInstances(doc: Doc, group: readonly string[]): { path: string; value: unknown }[][] {
  const parentPattern = group[0].slice(0, Math.max(0, group[0].lastIndexOf(".")));
  const parents = parentPattern === "" ? [{ path: "", value: doc as unknown }] : resolvePath(doc, parentPattern);
  return parents.map((p) =>
    group.map((leafPattern) => {
      const leaf = leafPattern.slice(leafPattern.lastIndexOf(".") + 1);
      const path = p.path === "" ? leaf : `${p.path}.${leaf}`;
      return { path, value: isMap(p.value) ? p.value[leaf] : undefined };
    }),
  );
}

/**
 * Every rule the document breaks, in rule order. Without `presence`, rules that a key is missing
 * are skipped: a fragment (a user's overrides) is checked for what it sets, not for what it leaves
 * to the rest of the config.
 */
export function checkConfigRules(rules: ConfigRules, doc: Doc, { presence = true } = {}): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const pattern of presence ? rules.required : []) {
    for (const { path, value } of resolvePath(doc, pattern)) if (!isSet(value)) out.push({ path, message: "is required" });
  }
  for (const group of rules.exactlyOne) {
    for (const leaves of groupInstances(doc, group)) {
      const set = leaves.filter((l) => isSet(l.value));
      const names = leaves.map((l) => l.path).join(" and ");
      if (set.length === 0 && presence) out.push({ path: leaves[0].path, message: `one of ${names} is required` });
      if (set.length > 1) for (const l of set.slice(1)) out.push({ path: l.path, value: l.value, message: `${names} are mutually exclusive: set only one` });
    }
  }
  for (const group of presence ? rules.atLeastOne : []) {
    for (const leaves of groupInstances(doc, group)) {
      if (!leaves.some((l) => isSet(l.value))) out.push({ path: leaves[0].path, message: `at least one of ${leaves.map((l) => l.path).join(", ")} is required` });
    }
  }
  for (const [pattern, allowed] of Object.entries(rules.oneOf)) {
    for (const { path, value } of resolvePath(doc, pattern)) {
      if (value !== undefined && (typeof value !== "string" || !allowed.includes(value))) out.push({ path, value, message: `must be one of ${allowed.join(", ")}` });
    }
  }
  for (const [pattern, allowed] of Object.entries(rules.keysOneOf)) {
    for (const { path, value } of resolvePath(doc, pattern)) {
      if (!isMap(value)) continue;
      for (const k of Object.keys(value))
        if (!allowed.includes(k)) out.push({ path: `${path}.${k}`, message: `is not a key this version knows here; allowed: ${allowed.join(", ")}` });
    }
  }
  for (const [pattern, min] of Object.entries(rules.minimum)) {
    for (const { path, value } of resolvePath(doc, pattern)) {
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isFinite(value)) out.push({ path, value, message: `must be a number of at least ${min}` });
      else if (value < min) out.push({ path, value, message: `must be at least ${min}` });
    }
  }
  for (const [lower, upper] of rules.lessThan) {
    for (const { prefix, parent } of withinParents(doc, lower)) {
      const [a, b] = [lower, upper].map((p) => (isMap(parent) ? parent[p.slice(p.lastIndexOf(".") + 1)] : undefined));
      if (typeof a === "number" && typeof b === "number" && a >= b) {
        out.push({ path: `${prefix}${lower.slice(lower.lastIndexOf(".") + 1)}`, value: a, message: `must be less than ${upper} (${b})` });
      }
    }
  }
  for (const [pattern, { re, like }] of Object.entries(rules.pattern)) {
    for (const { path, value } of resolvePath(doc, pattern)) {
      if (value !== undefined && (typeof value !== "string" || !re.test(value))) out.push({ path, value, message: `must be ${like}` });
    }
  }
  for (const [pattern, instead] of Object.entries(rules.retired)) {
    for (const { path, value } of resolvePath(doc, pattern)) if (value !== undefined) out.push({ path, value, message: `was removed from this version: ${instead}` });
  }
  for (const [pattern, keys] of Object.entries(rules.known)) {
    for (const { path, value } of resolvePath(doc, pattern)) {
      if (!isMap(value)) continue;
      for (const k of Object.keys(value)) {
        const at = path === "" ? k : `${path}.${k}`;
        if (!keys.includes(k) && !out.some((v) => v.path === at))
          out.push({ path: at, message: `is not a key this version knows (its validate refuses it); known here: ${keys.join(", ")}` });
      }
    }
  }
  return out;
}
