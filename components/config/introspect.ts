/**
 * Reads the config schema as data: the keys at a path, a key's type, default, description and what
 * values it allows. Error messages ("did you mean", "allowed: …"), the README reference and the
 * Pulumi.yaml `config:` block all come from here, so they cannot drift from the schema.
 */
import type { z } from "zod";

type AnySchema = z.ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  out?: AnySchema;
  shape?: Record<string, AnySchema>;
  entries?: Record<string, string>;
  defaultValue?: unknown;
}

const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strips default/prefault/optional/preprocess wrappers down to the schema that checks the value. */
export function core(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if ((d.type === "default" || d.type === "prefault" || d.type === "optional") && d.innerType) cur = d.innerType;
    else if (d.type === "pipe" && d.out) cur = d.out;
    else return cur;
  }
}

/** The description of a field, looking through its wrappers. */
export function descriptionOf(s: AnySchema): string | undefined {
  let cur: AnySchema | undefined = s;
  while (cur) {
    if (cur.description) return cur.description;
    const d = defOf(cur);
    cur = d.innerType ?? d.out;
  }
  return undefined;
}

/** The default of a field, or undefined when it has none. */
export function defaultOf(s: AnySchema): unknown {
  let cur: AnySchema | undefined = s;
  while (cur) {
    const d = defOf(cur);
    if (d.type === "default") return d.defaultValue;
    if (d.type === "optional") return undefined;
    cur = d.innerType ?? d.out;
  }
  return undefined;
}

export function isOptional(s: AnySchema): boolean {
  return defOf(s).type === "optional";
}

/** Child field schemas of an object schema (empty for leaves). */
export function fieldsOf(s: AnySchema): Record<string, AnySchema> {
  const d = defOf(core(s));
  return d.type === "object" && d.shape ? d.shape : {};
}

/** The schema at a dotted path, or undefined when the path does not exist. */
export function schemaAt(root: AnySchema, path: readonly (string | number)[]): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  for (const key of path) {
    if (!cur) return undefined;
    const d = defOf(core(cur));
    if (d.type === "record") return cur; // free-form below this point
    cur = fieldsOf(cur)[String(key)];
  }
  return cur;
}

export type LeafKind = "integer" | "boolean" | "string" | "object" | "enum";

export function kindOf(s: AnySchema): LeafKind {
  const d = defOf(core(s));
  switch (d.type) {
    case "number":
      return "integer";
    case "boolean":
      return "boolean";
    case "enum":
      return "enum";
    case "object":
    case "record":
      return "object";
    default:
      return "string";
  }
}

/** A short human phrase of what a field accepts: "one of eager, optimistic", "an integer from 0 to 20". */
export function allowedOf(s: AnySchema): string {
  const c = core(s);
  const d = defOf(c);
  switch (d.type) {
    case "number": {
      const n = c as unknown as { minValue: number | null; maxValue: number | null };
      return `an integer from ${n.minValue} to ${n.maxValue}`;
    }
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(d.entries ?? {}).join(", ")}`;
    case "object":
      return `an object with keys ${Object.keys(d.shape ?? {}).join(", ")}`;
    case "record":
      return "an object (YAML or JSON)";
    default:
      return "a string";
  }
}

export interface LeafField {
  /** Dotted key, e.g. "relayer.count". */
  key: string;
  kind: LeafKind;
  defaultValue: unknown;
  optional: boolean;
  description: string;
  allowed: string;
}

/** Every settable leaf of the schema, depth first, in declaration order. */
export function leafFields(root: AnySchema, prefix = ""): LeafField[] {
  const out: LeafField[] = [];
  for (const [name, field] of Object.entries(fieldsOf(root))) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (defOf(core(field)).type === "object") {
      out.push(...leafFields(field, key));
      continue;
    }
    out.push({
      key,
      kind: kindOf(field),
      defaultValue: defaultOf(field),
      optional: isOptional(field),
      description: descriptionOf(field) ?? "",
      allowed: allowedOf(field),
    });
  }
  return out;
}
