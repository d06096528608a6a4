/**
 * A small checker for free-form override objects (`relayer.config`, `miner.config`): types, enums,
 * bounds and patterns of the keys a program accepts, reported as config problems that name the
 * dotted key, the value and what is allowed. Keys the table does not know pass unchecked unless
 * they look like a typo of a known one (the program would silently ignore them).
 */
import { closest, type ConfigProblem } from "./errors";

export type Shape =
  | { kind: "object"; fields?: Record<string, Shape>; values?: Shape; keys?: readonly string[]; minKeys?: number }
  | { kind: "string"; oneOf?: readonly string[]; pattern?: RegExp; like?: string }
  | { kind: "integer"; min?: number; max?: number }
  | { kind: "number"; min?: number }
  | { kind: "boolean" }
  | { kind: "array"; items: Shape; minItems?: number }
  | { kind: "either"; options: readonly Shape[]; like: string };

/** Shorthands for the tables. */
export const obj = (fields: Record<string, Shape>, extra: Partial<Extract<Shape, { kind: "object" }>> = {}): Shape => ({ kind: "object", fields, ...extra });
export const mapOf = (values: Shape, extra: Partial<Extract<Shape, { kind: "object" }>> = {}): Shape => ({ kind: "object", values, ...extra });
export const str = (extra: Partial<Extract<Shape, { kind: "string" }>> = {}): Shape => ({ kind: "string", ...extra });
export const oneOf = (...values: string[]): Shape => ({ kind: "string", oneOf: values });
export const int = (min?: number, max?: number): Shape => ({ kind: "integer", min, max });
export const num = (min?: number): Shape => ({ kind: "number", min });
export const bool: Shape = { kind: "boolean" };
export const list = (items: Shape, minItems?: number): Shape => ({ kind: "array", items, minItems });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function range(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return "";
}

/** What a shape allows, in words. */
export function describeShape(s: Shape): string {
  switch (s.kind) {
    case "object":
      return s.fields ? `a mapping (keys: ${Object.keys(s.fields).join(", ")})` : "a mapping";
    case "string":
      return s.oneOf ? `one of ${s.oneOf.join(", ")}` : s.like ? `a string like ${s.like}` : "a string";
    case "integer":
      return `an integer${range(s.min, s.max)}`;
    case "number":
      return `a number${range(s.min)}`;
    case "boolean":
      return "true or false";
    case "array":
      return `a list, each ${describeShape(s.items)}`;
    case "either":
      return s.like;
  }
}

function matches(value: unknown, s: Shape): boolean {
  return checkShape(value, s, "x").length === 0;
}

/** Problems of `value` against `shape`; `key` is the dotted key of `value` for the messages. */
export function checkShape(value: unknown, shape: Shape, key: string): ConfigProblem[] {
  const bad = (): ConfigProblem[] => [{ key, value, message: `must be ${describeShape(shape)}` }];
  switch (shape.kind) {
    case "boolean":
      return typeof value === "boolean" ? [] : bad();
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return bad();
      return (shape.min !== undefined && value < shape.min) || (shape.max !== undefined && value > shape.max) ? bad() : [];
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return bad();
      return shape.min !== undefined && value < shape.min ? bad() : [];
    case "string":
      if (typeof value !== "string") return bad();
      if (shape.oneOf && !shape.oneOf.includes(value)) return bad();
      return shape.pattern && !shape.pattern.test(value) ? bad() : [];
    case "either":
      return shape.options.some((o) => matches(value, o)) ? [] : bad();
    case "array":
      if (!Array.isArray(value)) return bad();
      if (shape.minItems !== undefined && value.length < shape.minItems) {
        return [{ key, value, message: `must list at least ${shape.minItems} item(s)` }];
      }
      return value.flatMap((item, i) => checkShape(item, shape.items, `${key}[${i}]`));
    case "object": {
      if (!isPlainObject(value)) return bad();
      const out: ConfigProblem[] = [];
      const entries = Object.entries(value);
      if (shape.minKeys !== undefined && entries.length < shape.minKeys) out.push({ key, value, message: `must have at least ${shape.minKeys} entry` });
      const known = shape.fields ? Object.keys(shape.fields) : [];
      for (const [k, v] of entries) {
        const sub = `${key}.${k}`;
        if (shape.keys && !shape.keys.includes(k)) {
          out.push({ key: sub, message: `unknown key; allowed: ${shape.keys.join(", ")}` });
          continue;
        }
        const field = shape.fields?.[k];
        if (field) out.push(...checkShape(v, field, sub));
        else if (shape.values) out.push(...checkShape(v, shape.values, sub));
        else {
          const guess = closest(k, known);
          if (guess && guess !== k) out.push({ key: sub, message: `unknown key (ignored by the relay-miner); did you mean ${key}.${guess}?` });
        }
      }
      return out;
    }
  }
}
