/**
 * Documentation generated from the schema: the README's configuration table and Pulumi.yaml's
 * `config:` block. `npm run docs:config` rewrites both; a test fails when they drift.
 */
import { localnetSchema } from "./schema";
import { defaultOf, descriptionOf, fieldsOf, kindOf, leafFields } from "./introspect";

const groupDescriptions: Record<string, string> = {
  kube: "Which cluster and how to talk to it.",
  images: "Container images (pin tags; never `latest`).",
  relayMiner: "Which pocket-relay-miner version runs, and so which config and Redis rules apply.",
  build: "Building images from local sources (needs a Docker engine).",
  redis: "Redis topology and limits.",
  validator: "The pocketd validator and its genesis.",
  miner: "Miners (pocket-relay-miner miner).",
  relayer: "Relayers (pocket-relay-miner relayer).",
  backend: "The demo backend (services/backend).",
  observability: "Prometheus and Grafana.",
  ports: "Host ports on 127.0.0.1 used by `npm run forward` / Tilt; relayer and miner ports are per replica (base + index).",
};

/** Pulumi.yaml `config:` entries: every top-level key with its type, default and description. */
export function pulumiConfigBlock(): Record<string, { type: string; description: string; default?: unknown }> {
  const out: Record<string, { type: string; description: string; default?: unknown }> = {};
  for (const [name, field] of Object.entries(fieldsOf(localnetSchema))) {
    const isGroup = Object.keys(fieldsOf(field)).length > 0;
    const description = isGroup ? `${groupDescriptions[name] ?? ""} Keys: ${Object.keys(fieldsOf(field)).join(", ")}. See README.md.`.trim() : (descriptionOf(field) ?? "");
    const type = isGroup ? "object" : kindOf(field) === "integer" ? "integer" : kindOf(field) === "boolean" ? "boolean" : "string";
    const def = isGroup ? localnetSchema.parse({})[name as keyof ReturnType<typeof localnetSchema.parse>] : defaultOf(field);
    out[name] = def === undefined ? { type, description } : { type, description, default: def };
  }
  return out;
}

const cell = (v: unknown) => (v === undefined ? "—" : `\`${typeof v === "string" ? v : JSON.stringify(v)}\``);

/** The README configuration reference: one row per settable key. */
export function readmeConfigTable(): string {
  const rows = leafFields(localnetSchema).map((f) => `| \`${f.key}\` | ${f.kind} | ${cell(f.defaultValue)} | ${f.description} Allowed: ${f.allowed}. |`);
  return ["| Key | Type | Default | Description |", "|---|---|---|---|", ...rows].join("\n");
}
