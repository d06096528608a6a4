/**
 * The import graph of the source tree, folder by folder, and the rules it must keep: imports run
 * one way (index.ts → components/localnet → the parts → topology/k8s/config → genesis/,
 * dashboards/, the backend's public entry), parts meet only through components/localnet, and no
 * two folders import each other, directly or around a loop.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";

/** An import of one source file by another (repository-relative paths). */
export interface ImportEdge {
  file: string;
  target: string;
  line: number;
}

const skipDirs = new Set(["node_modules", ".git", ".pulumi", ".cache", ".tools", "bin", "out", "dist", "generated", "testdata"]);

/** Every .ts file of the tree, repository-relative. */
export function sourceFiles(root: string, dir = root, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(root, path, found);
    else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) found.push(relative(root, path));
  }
  return found.sort();
}

/** The package's own name resolves to its entry (examples/ imports it that way). */
const packageEntries: Record<string, string> = { "relayminer-localnet": "components/localnet/index.ts" };

function resolveSpec(root: string, file: string, spec: string): string | undefined {
  if (packageEntries[spec]) return packageEntries[spec];
  if (!spec.startsWith(".")) return undefined; // node: builtins and npm packages
  const base = normalize(join(dirname(file), spec));
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    const full = join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  throw new Error(`${file}: cannot resolve import "${spec}"`);
}

/** Every import (static, dynamic, re-export, require) between files of the tree. */
export function importEdges(root: string, files: string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveSpec(root, file, imported.fileName);
      if (target) edges.push({ file, target, line: text.slice(0, imported.pos).split("\n").length });
    }
  }
  return edges;
}

/** The folder a file belongs to, as the rules name it. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts.length === 1) return "index.ts"; // index.ts and its test
  if (parts[0] === "components" || parts[0] === "services") return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

const parts = ["components/images", "components/redis", "components/validator", "components/relay-miner", "components/backend", "components/observability"];

/**
 * Which folders each folder may import (besides itself). Tests follow their folder's rules and
 * may also use test/support; test/ itself (the harness and the real-binary tier) may import anything.
 */
export const allowedImports: Readonly<Record<string, readonly string[]>> = {
  "index.ts": ["components/localnet"],
  examples: ["components/localnet"],
  "components/localnet": ["components/config", "components/topology", "components/k8s", "components/timing", ...parts, "genesis", "dashboards"],
  // The cross-key rules ask the parts what they own in their rendered configs; the timing presets
  // are a config choice.
  "components/config": ["components/topology", "components/timing", "components/relay-miner", "components/backend", "services/backend"],
  // A build context that is no directory with a Dockerfile is a config error.
  "components/images": ["components/config"],
  "components/redis": ["components/topology", "components/k8s"],
  "components/validator": ["components/topology", "components/k8s"],
  // The miners' failover timings follow the block time.
  "components/relay-miner": ["components/topology", "components/k8s", "components/timing"],
  "components/backend": ["components/topology", "components/k8s"],
  "components/observability": ["components/topology", "components/k8s", "dashboards"],
  "components/topology": ["dashboards"],
  // Pure: session windows (by the genesis's param names) and failover timings.
  "components/timing": ["genesis"],
  "components/k8s": [],
  genesis: [],
  dashboards: [],
  "services/backend": [],
  "services/chain-exporter": [],
  // `npm run forward` follows the pods through the same kubectl watch `pulumi up` uses; verify and
  // chaos size their waits with the same failover and window arithmetic; verify reads block
  // results with the chain exporter's reader (its public entry).
  scripts: ["components/config", "components/topology", "components/k8s", "components/timing", "genesis", "dashboards", "services/chain-exporter"],
  // tools/images tags the images it builds with the same content hash the localnet uses;
  // tools/programs builds the Prometheus release the config schema deploys (PROMETHEUS_VERSION).
  tools: ["genesis", "components/images", "components/config"],
};

/** Outside each service package, only its public entry may be imported. */
const publicEntries: Readonly<Record<string, string>> = {
  "services/backend": "services/backend/config-schema.ts",
  "services/chain-exporter": "services/chain-exporter/chain-events.ts",
};

const isTest = (file: string) => file.endsWith(".test.ts");

/** Every import that breaks a rule, as `file:line → target (why)`. */
export function ruleViolations(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = folderOf(e.file);
    const to = folderOf(e.target);
    const where = `${e.file}:${e.line} → ${e.target}`;
    if (from === "test" || from === to) continue;
    if (to === "test" && isTest(e.file)) continue;
    const allowed = allowedImports[from];
    if (!allowed) out.push(`${where} (folder ${from} has no import rules; add it to allowedImports)`);
    else if (!allowed.includes(to)) out.push(`${where} (${from} may import ${allowed.length ? `only ${allowed.join(", ")}` : "nothing outside itself"})`);
    else if (publicEntries[to] && e.target !== publicEntries[to]) out.push(`${where} (${to} is imported through ${publicEntries[to]} only)`);
  }
  return out;
}

/**
 * Loops between folders (each as the folders around it), from the imports of the code. Tests are
 * left out: nothing imports a test, so a test cannot close a loop, and test/ imports everything.
 */
export function folderCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const [from, to] = [folderOf(e.file), folderOf(e.target)];
    if (isTest(e.file) || from === "test") continue;
    if (from !== to) next.set(from, (next.get(from) ?? new Set()).add(to));
  }
  // Tarjan's strongly connected components: a component of more than one folder is a loop.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
