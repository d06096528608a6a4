/**
 * Backend configuration: one zod schema is both the validator and the TypeScript type.
 *
 * Field names are snake_case so the reference backend's `config.yaml` (http_port, error_rate, ...)
 * loads unchanged. Every field has a default, so an empty file (or no file at all) is a valid
 * config. Objects are strict: an unknown key is an error that names the key and the allowed ones,
 * because a typo that is silently ignored is the worst kind of fault injection.
 *
 * The Pulumi Backend component imports `backendConfigSchema` / `BackendConfig` from here to render
 * the ConfigMap; keep this module free of side effects.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** A strict object whose "unknown key" error lists what is allowed. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `unknown field ${iss.keys.map((k) => JSON.stringify(k)).join(", ")}; allowed fields: ${allowed}` : undefined),
  });
}

const port = z.number().int().min(0).max(65535);
const nonNegInt = z.number().int().min(0);
const ms = z.number().min(0).max(3_600_000);

/** Latency distributions (WireMock's set): a bare number means a fixed delay in ms. */
export const latencySpecSchema = z.preprocess(
  (v) => (typeof v === "number" ? { type: "fixed", ms: v } : v),
  z.discriminatedUnion("type", [
    strict({ type: z.literal("fixed"), ms }),
    strict({ type: z.literal("uniform"), min_ms: ms, max_ms: ms }).refine((u) => u.min_ms <= u.max_ms, {
      message: "min_ms must be <= max_ms",
      path: ["max_ms"],
    }),
    strict({
      type: z.literal("lognormal"),
      /** Median of the distribution (e^mu). */
      median_ms: z.number().positive().max(3_600_000),
      /** Standard deviation of the underlying normal; 0 degenerates to fixed. */
      sigma: z.number().min(0).max(10),
      /** Upper bound; long tails are the point, unbounded ones hang tests. */
      cap_ms: ms.optional(),
    }),
  ]),
);
export type LatencySpec = z.infer<typeof latencySpecSchema>;

export const faultActionSchema = z.discriminatedUnion("type", [
  /** Matches (and may add latency) but answers normally. */
  strict({ type: z.literal("none") }),
  strict({
    type: z.literal("http_status"),
    status: z.number().int().min(100).max(599).default(500),
    /** Body to send; default is the reference's plain text `injected error (code: N)`. */
    body: z.string().optional(),
  }),
  strict({
    type: z.literal("jsonrpc_error"),
    code: z.number().int().default(-32000),
    message: z.string().default("injected error"),
    data: z.unknown().optional(),
  }),
  strict({
    type: z.literal("grpc_status"),
    code: z.number().int().min(1).max(16).default(14),
    message: z.string().default("injected error"),
  }),
  /** TCP RST (ECONNRESET at the client). */
  strict({ type: z.literal("reset") }),
  /** Close the connection without writing a byte ("empty reply from server"). */
  strict({ type: z.literal("empty") }),
  /** Announce the full Content-Length, send only a fraction of the body, then close. */
  strict({ type: z.literal("truncate"), fraction: z.number().min(0).max(1).default(0.5) }),
  /** Streams (SSE, NDJSON, WebSocket repeats/subscriptions, gRPC StreamBlocks): drop after K events. */
  strict({ type: z.literal("disconnect"), after_events: nonNegInt.default(1) }),
]);
export type FaultAction = z.infer<typeof faultActionSchema>;

export const protocols = ["http", "websocket", "sse", "ndjson", "grpc"] as const;
export type Protocol = (typeof protocols)[number];

export const faultRuleSchema = strict({
  /** Identifies the rule in metrics (`fault` label is the action type), admin API and logs. */
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : -")
    .optional(),
  protocol: z.enum(["any", ...protocols]).default("any"),
  /**
   * JSON-RPC method, gRPC method (`GetBlock`), stream path (`/stream/sse`) or `connection` for the
   * WebSocket handshake. `*` is a wildcard (`eth_*`).
   */
  method: z.string().min(1).default("*"),
  /** Exact, case-insensitive header matches (gRPC: metadata), e.g. `{Pocket-Service: develop-http}`. */
  headers: z.record(z.string(), z.string()).optional(),
  probability: z.number().min(0).max(1).default(1),
  /** Fire only for the first N matching requests, then let everything through. */
  first: z.number().int().min(1).optional(),
  action: faultActionSchema.prefault({ type: "none" }),
  latency: strict({
    /** Delay before the first byte (or the unary answer). */
    ttfb: latencySpecSchema.optional(),
    /** Delay between stream events; replaces the protocol's default cadence. */
    interval: latencySpecSchema.optional(),
  }).optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export const faultRulesSchema = z.array(faultRuleSchema).max(1000);

/** The knobs the reference has; they stay global and can be changed at runtime via the admin API. */
export const legacySettingsShape = {
  /** Probability (0..1) that an HTTP JSON-RPC request gets the reference's plain-text injected error. */
  error_rate: z.number().min(0).max(1).default(0),
  /** HTTP status picked at random per injected error; empty falls back to `error_code`. */
  error_codes: z.array(z.number().int().min(100).max(599)).default([]),
  error_code: z.number().int().min(100).max(599).default(500),
  /** Fixed delay before every HTTP JSON-RPC request. */
  delay_ms: ms.default(0),
  /** Gzip the body without Content-Encoding when the client accepts gzip (an RFC-violating backend). */
  broken_compression: z.boolean().default(false),
  /** Adds a `filler` of that many `x` to every JSON-RPC echo result. */
  fat_payload_bytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .default(0),
};
export const legacySettingsSchema = strict(legacySettingsShape);
export type LegacySettings = z.infer<typeof legacySettingsSchema>;

export const backendConfigSchema = strict({
  /** Identity echoed in results (`backend_id`) and the `X-Backend-Id` header. */
  backend_id: z.string().min(1).default("unknown"),
  host: z.string().min(1).default("0.0.0.0"),
  http_port: port.default(8545),
  admin_port: port.default(8546),
  grpc_port: port.default(50051),
  metrics_port: port.default(9095),
  /** Worker processes serving http/ws/grpc; `auto` = available CPUs. 1 = no cluster (exact sequences). */
  workers: z.union([z.literal("auto"), z.number().int().min(1).max(256)]).default("auto"),
  ...legacySettingsShape,
  /** Seeds fault and latency sampling (and the chain's hashes). Unset = random per start. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable()
    .default(null),
  /** Requests larger than this get 413. */
  max_body_bytes: z
    .number()
    .int()
    .min(1)
    .max(256 * 1024 * 1024)
    .default(1024 * 1024),
  /** JSON (bodies, batches, frames, admin writes) nested deeper than this is refused, not echoed. */
  max_json_depth: z.number().int().min(1).max(1000).default(100),
  /** Calls per JSON-RPC batch; more is refused (geth's default limit). */
  max_batch_size: z.number().int().min(1).max(100_000).default(1000),
  /** SIGTERM: stop accepting, end streams, wait this long for in-flight requests, then exit. */
  shutdown_grace_ms: ms.default(10_000),
  log_level: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  chain: strict({
    /** false: eth_* methods echo like any other and GetBlockHeight answers 1 (the reference). */
    enabled: z.boolean().default(true),
    /** interval: height follows the wall clock from genesis_time; manual: only the admin API moves it. */
    mode: z.enum(["interval", "manual"]).default("interval"),
    block_time_ms: z.number().int().min(10).max(86_400_000).default(1000),
    start_height: nonNegInt.default(1),
    /** Fixed anchor so every replica computes the same height from its clock. */
    genesis_time: z.iso.datetime({ offset: true }).default("2025-01-01T00:00:00Z"),
    chain_id: z.number().int().min(1).default(1337),
  }).prefault({}),
  streams: strict({
    sse_interval_ms: ms.default(200),
    ndjson_interval_ms: ms.default(1000),
    grpc_interval_ms: ms.default(2000),
  }).prefault({}),
  websocket: strict({
    max_payload_bytes: z
      .number()
      .int()
      .min(1)
      .default(1024 * 1024),
    /** Upper bound for the `repeat_count` directive so one message cannot pin a worker. */
    max_repeat_count: z.number().int().min(1).default(10_000),
  }).prefault({}),
  journal: strict({
    enabled: z.boolean().default(true),
    /** Entries kept per process (a ring buffer: the oldest go first). */
    capacity: z.number().int().min(1).max(1_000_000).default(1000),
    /** Request bodies are stored up to this size. */
    max_body_bytes: nonNegInt.max(1024 * 1024).default(4096),
  }).prefault({}),
  faults: faultRulesSchema.default([]),
});
export type BackendConfig = z.infer<typeof backendConfigSchema>;
export type BackendConfigInput = z.input<typeof backendConfigSchema>;

export const DEFAULT_CONFIG_PATH = "/etc/backend/config.yaml";

/** A config problem: the message is meant for humans and is printed without a stack trace. */
export class BackendConfigError extends Error {
  override name = "BackendConfigError";
}

type EnvKind = "string" | "int" | "number" | "bool" | "intList" | "workers" | "seed";
/** Environment overrides: env var -> config path. Env beats the file. */
export const envOverrides: ReadonlyArray<{ env: string; path: string[]; kind: EnvKind }> = [
  { env: "BACKEND_ID", path: ["backend_id"], kind: "string" },
  { env: "BACKEND_HOST", path: ["host"], kind: "string" },
  { env: "BACKEND_HTTP_PORT", path: ["http_port"], kind: "int" },
  { env: "BACKEND_ADMIN_PORT", path: ["admin_port"], kind: "int" },
  { env: "BACKEND_GRPC_PORT", path: ["grpc_port"], kind: "int" },
  { env: "BACKEND_METRICS_PORT", path: ["metrics_port"], kind: "int" },
  { env: "BACKEND_WORKERS", path: ["workers"], kind: "workers" },
  { env: "BACKEND_ERROR_RATE", path: ["error_rate"], kind: "number" },
  { env: "BACKEND_ERROR_CODES", path: ["error_codes"], kind: "intList" },
  { env: "BACKEND_ERROR_CODE", path: ["error_code"], kind: "int" },
  { env: "BACKEND_DELAY_MS", path: ["delay_ms"], kind: "number" },
  { env: "BACKEND_BROKEN_COMPRESSION", path: ["broken_compression"], kind: "bool" },
  { env: "BACKEND_FAT_PAYLOAD_BYTES", path: ["fat_payload_bytes"], kind: "int" },
  { env: "BACKEND_SEED", path: ["seed"], kind: "seed" },
  { env: "BACKEND_MAX_BODY_BYTES", path: ["max_body_bytes"], kind: "int" },
  { env: "BACKEND_LOG_LEVEL", path: ["log_level"], kind: "string" },
  { env: "BACKEND_CHAIN_MODE", path: ["chain", "mode"], kind: "string" },
  { env: "BACKEND_BLOCK_TIME_MS", path: ["chain", "block_time_ms"], kind: "int" },
  { env: "BACKEND_JOURNAL_ENABLED", path: ["journal", "enabled"], kind: "bool" },
];

function coerce(env: string, raw: string, kind: EnvKind): unknown {
  const bad = (allowed: string) => new BackendConfigError(`${env}=${JSON.stringify(raw)}: expected ${allowed}`);
  const num = (s: string) => (s.trim() === "" ? NaN : Number(s));
  switch (kind) {
    case "string":
      return raw;
    case "int":
    case "number": {
      const n = num(raw);
      if (!Number.isFinite(n) || (kind === "int" && !Number.isInteger(n))) throw bad(kind === "int" ? "an integer" : "a number");
      return n;
    }
    case "bool":
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw bad("true or false");
    case "intList":
      if (raw.trim() === "") return [];
      return raw.split(",").map((s) => {
        const n = num(s);
        if (!Number.isInteger(n)) throw bad("a comma-separated list of integers");
        return n;
      });
    case "workers":
      if (raw === "auto") return "auto";
      return coerce(env, raw, "int");
    case "seed":
      if (raw === "" || raw === "none") return null;
      return coerce(env, raw, "int");
  }
}

function describeValue(root: unknown, path: PropertyKey[]): string {
  let v: unknown = root;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  // JSON.stringify gives undefined only for what YAML cannot hold (functions, symbols).
  return s === undefined ? typeof v : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `faults[0].action.type`, the way a YAML author thinks about the location. */
function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out === "" ? "(top level)" : out;
}

/** Human-readable list of problems, one per line, each naming field, bad value and what is allowed. */
export function formatZodError(err: z.ZodError, input: unknown, envSources: Map<string, string> = new Map()): string {
  return err.issues
    .map((iss) => {
      const where = formatPath(iss.path);
      const env = envSources.get(where);
      const value = iss.code === "unrecognized_keys" ? "" : ` (got ${describeValue(input, iss.path)})`;
      return `  - ${where}${env ? ` [from ${env}]` : ""}: ${iss.message}${value}`;
    })
    .join("\n");
}

/** Validates an already-parsed object (YAML or admin JSON). */
export function parseConfig(input: unknown, source = "config", envSources?: Map<string, string>): BackendConfig {
  const result = backendConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new BackendConfigError(`invalid ${source}:\n${formatZodError(result.error, input ?? {}, envSources)}`);
  }
  return result.data;
}

export interface LoadOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The config file path: `--config X` / `--config=X`, else BACKEND_CONFIG, else the default. */
export function configPath(argv: string[], env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--config") {
      const next = argv[i + 1];
      if (!next) throw new BackendConfigError("--config needs a file path");
      return { path: next, explicit: true };
    }
    if (a.startsWith("--config=")) return { path: a.slice("--config=".length), explicit: true };
  }
  if (env.BACKEND_CONFIG) return { path: env.BACKEND_CONFIG, explicit: true };
  return { path: DEFAULT_CONFIG_PATH, explicit: false };
}

/**
 * File + env -> validated config. A missing file is fine only at the default path (so the image
 * runs without a mount); a missing file that was asked for is an error.
 */
export function loadConfig(opts: LoadOptions = {}): { config: BackendConfig; path: string | null } {
  const argv = opts.argv ?? process.argv.slice(2);
  const env = opts.env ?? process.env;
  const { path, explicit } = configPath(argv, env);
  let raw: unknown = {};
  let usedPath: string | null = path;
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) usedPath = null;
    else throw new BackendConfigError(`cannot read config file ${path}: ${code ?? (e as Error).message}`);
  }
  if (text !== undefined) {
    try {
      raw = parseYaml(text) ?? {};
    } catch (e) {
      throw new BackendConfigError(`config file ${path} is not valid YAML: ${(e as Error).message}`);
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
      throw new BackendConfigError(`config file ${path} must be a YAML mapping (got ${Array.isArray(raw) ? "a list" : typeof raw})`);
    }
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  const envSources = new Map<string, string>();
  // POD_NAME is the fallback identity so replicas are told apart without extra wiring.
  const idFromEnv = env.BACKEND_ID ?? env.POD_NAME;
  for (const o of envOverrides) {
    const value = o.env === "BACKEND_ID" ? idFromEnv : env[o.env];
    if (value === undefined) continue;
    let target = merged;
    for (const k of o.path.slice(0, -1)) {
      const next = target[k];
      if (next === undefined || next === null) target[k] = {};
      else if (typeof next !== "object" || Array.isArray(next)) throw new BackendConfigError(`${k} must be a mapping to apply ${o.env}`);
      target = target[k] as Record<string, unknown>;
    }
    target[o.path[o.path.length - 1]] = coerce(o.env === "BACKEND_ID" && !env.BACKEND_ID ? "POD_NAME" : o.env, value, o.kind);
    envSources.set(o.path.join("."), o.env);
  }
  return { config: parseConfig(merged, usedPath ? `config (${usedPath})` : "config (defaults + env)", envSources), path: usedPath };
}
