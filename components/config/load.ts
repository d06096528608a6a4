/**
 * From Pulumi stack config to a checked LocalnetConfig, in one place.
 *
 * Pulumi stores `pulumi config set --path relayer.count 5` as a structured key
 * (`relayminer-localnet:relayer` = `{"count":5}`) and `pulumi config set relayer.count 5` as a flat
 * key (`relayminer-localnet:relayer.count` = `"5"`). Both are read here; flat keys are applied after
 * structured ones, so a flat key wins. Keys of other namespaces (`kubernetes:`, `pulumi:`) are not ours.
 */
import { z } from "zod";
import { localnetSchema, type LocalnetConfig } from "./schema";
import { settleRelayMiner } from "./relay-miner-version";
import { allowedOf, fieldsOf, schemaAt } from "./introspect";
import { ConfigError, closest, type ConfigProblem } from "./errors";
import { checkRules, type RuleContext } from "./rules";

export const projectName = "relayminer-localnet";

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

function parseStructured(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Merges raw Pulumi config (`project:key` → string) into one tree. Returns the tree and any
 * problems found while merging (a flat key that runs through a non-object value).
 */
export function mergeRawConfig(raw: Record<string, string>, project = projectName): { tree: Tree; problems: ConfigProblem[] } {
  const prefix = `${project}:`;
  const tree: Tree = {};
  const problems: ConfigProblem[] = [];
  const ours = Object.entries(raw)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, v]) => [k.slice(prefix.length), v] as const)
    .sort(([a], [b]) => a.localeCompare(b));

  for (const [key, value] of ours) if (!key.includes(".")) tree[key] = parseStructured(value);

  for (const [key, value] of ours) {
    if (!key.includes(".")) continue;
    const parts = key.split(".");
    let node = tree;
    let blocked = false;
    for (const [i, part] of parts.slice(0, -1).entries()) {
      if (node[part] === undefined) node[part] = {};
      const next = node[part];
      if (!isTree(next)) {
        problems.push({
          key,
          value,
          message: `cannot set this flat key because ${parts.slice(0, i + 1).join(".")} is ${JSON.stringify(next)}, not an object`,
        });
        blocked = true;
        break;
      }
      node = next;
    }
    if (!blocked) node[parts[parts.length - 1]] = value;
  }
  return { tree, problems };
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let cur = tree;
  for (const k of path) cur = isTree(cur) ? cur[String(k)] : Array.isArray(cur) ? cur[Number(k)] : undefined;
  return cur;
}

/** Turns zod issues into problems that name the key, the value and what is allowed. */
function problemsFromIssues(issues: z.core.$ZodIssue[], tree: Tree): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const parent = schemaAt(localnetSchema, path);
      const known = parent ? Object.keys(fieldsOf(parent)) : [];
      for (const k of issue.keys) {
        const key = [...path, k].join(".");
        const guess = closest(k, known);
        const hint = guess ? `did you mean ${[...path, guess].join(".")}?` : `known keys here: ${known.join(", ")}`;
        out.push({ key, message: `unknown key; ${hint}` });
      }
      continue;
    }
    const key = path.join(".") || "(root)";
    const field = schemaAt(localnetSchema, path);
    const value = valueAt(tree, path);
    const allowed = field ? allowedOf(field) : undefined;
    const custom = issue.code === "invalid_format" ? issue.message : undefined;
    out.push({ key, value, message: `must be ${custom ?? allowed ?? issue.message}` });
  }
  return out;
}

/** Parses and checks a merged config tree. Throws ConfigError listing every problem. */
export function parseConfigTree(tree: Tree, ctx: RuleContext, mergeProblems: ConfigProblem[] = []): LocalnetConfig {
  const result = localnetSchema.safeParse(tree);
  const problems = [...mergeProblems];
  if (!result.success) problems.push(...problemsFromIssues(result.error.issues, tree));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const { config, problems: versionProblems } = settleRelayMiner(result.data);
  const ruleProblems = [...versionProblems, ...checkRules(config, ctx, { versionKnown: versionProblems.length === 0 })];
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems);
  return Object.freeze(config);
}

/** Raw Pulumi config (as from `pulumi.runtime.allConfig()`) to a checked LocalnetConfig. */
export function parseStackConfig(raw: Record<string, string>, ctx: RuleContext, project = projectName): LocalnetConfig {
  const { tree, problems } = mergeRawConfig(raw, project);
  return parseConfigTree(tree, ctx, problems);
}
