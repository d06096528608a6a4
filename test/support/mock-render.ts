/**
 * Renders the program under Pulumi's mocks into plain JSON (every resource: type, name, parent,
 * provider, inputs, dependsOn) and diffs two renders leaf by leaf. A refactor that must not change
 * what `pulumi up` asks for renders before and after and diffs:
 *
 *   npx tsx test/mock-render.ts write /tmp/before      # on the old commit
 *   npx tsx test/mock-render.ts write /tmp/after       # on the new one
 *   npx tsx test/mock-render.ts diff /tmp/before /tmp/after
 *
 * Mocks compute URNs from the last parent type only, so parents are recorded by logical name and
 * providers by type and name; the real engine (test/real) is what checks URNs.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProgram } from "./mock-program";

/** The topologies a refactor is checked against: stack config keys without the project prefix. */
export const renderTopologies: Record<string, Record<string, string>> = {
  default: {},
  "relayers-5-redis-cluster": { "relayer.count": "5", "redis.mode": "cluster" },
  "observability-off": { "observability.enabled": "false" },
};

export interface RenderedResource {
  type: string;
  name: string;
  parent?: string;
  provider?: string;
  dependsOn: string[];
  inputs: Record<string, unknown>;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>::<id>` → `type::name`. */
function providerRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const [, , qualifiedType, name] = ref.split("::");
  return `${qualifiedType.split("$").pop()}::${name}`;
}

/** Every registered resource of one topology, sorted by type and name. */
export async function renderTopology(config: Record<string, string>): Promise<RenderedResource[]> {
  const run = await runProgram(config);
  const captured = new Map(run.captured.map((c) => [`${c.type}::${c.name}`, c]));
  return run.resources
    .map((r) => {
      const c = captured.get(`${r.type}::${r.name}`);
      return { type: r.type, name: r.name, parent: c?.parent, provider: providerRef(r.provider), dependsOn: [...(c?.dependsOn ?? [])].sort(), inputs: r.inputs };
    })
    .sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
}

/** One line per differing leaf (`path: before → after`), strings longer than a line summarised. */
export function diffValues(path: string, a: unknown, b: unknown, out: string[] = []): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) diffValues(`${path}.${key}`, a[key], b[key], out);
    return out;
  }
  const show = (v: unknown) => {
    const text = v === undefined ? "(absent)" : JSON.stringify(v);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
  };
  out.push(`${path}: ${show(a)} → ${show(b)}`);
  return out;
}

/** The differences between two renders of one topology. */
export function diffRenders(before: RenderedResource[], after: RenderedResource[]): string[] {
  const key = (r: RenderedResource) => `${r.type}::${r.name}`;
  const a = new Map(before.map((r) => [key(r), r]));
  const b = new Map(after.map((r) => [key(r), r]));
  const out: string[] = [];
  for (const k of a.keys()) if (!b.has(k)) out.push(`- ${k}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`+ ${k}`);
  for (const [k, r] of a) {
    const other = b.get(k);
    if (other) out.push(...diffValues(k, r, other));
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, first, second] = argv;
  if (command === "write" && first) {
    mkdirSync(first, { recursive: true });
    for (const [name, config] of Object.entries(renderTopologies)) {
      const rendered = await renderTopology(config);
      writeFileSync(join(first, `${name}.json`), `${JSON.stringify(rendered, null, 2)}\n`);
      process.stdout.write(`${name}: ${rendered.length} resources\n`);
    }
    return 0;
  }
  if (command === "diff" && first && second) {
    const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as RenderedResource[];
    let differences = 0;
    for (const file of readdirSync(first)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const lines = diffRenders(read(first, file), read(second, file));
      differences += lines.length;
      process.stdout.write(`== ${file}: ${lines.length} differences\n${lines.map((l) => `  ${l}\n`).join("")}`);
    }
    return differences === 0 ? 0 : 1;
  }
  process.stderr.write("usage: tsx test/mock-render.ts write <dir> | diff <before-dir> <after-dir>\n");
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
