/**
 * The exporter's settings, from flags or the environment (flags win): where the node is, where to
 * listen, how often to read. A bad value is one line naming the setting, the value and what is
 * allowed.
 */

export class UsageError extends Error {
  override name = "UsageError";
}

export interface ExporterArgs {
  /** CometBFT RPC, e.g. http://validator:26657. */
  rpcUrl: string;
  /** Cosmos REST (gRPC gateway), e.g. http://validator:1317. */
  restUrl: string;
  host: string;
  port: number;
  intervalSeconds: number;
  fromHeight: number;
  maxBlocksPerTick: number;
  /** The genesis keys.json, to show reward recipients by name. */
  accountsFile?: string;
}

interface Setting {
  flag: string;
  env: string;
  help: string;
}

const settings: Record<keyof ExporterArgs, Setting> = {
  rpcUrl: { flag: "--rpc", env: "CHAIN_RPC_URL", help: "an http(s) URL of a CometBFT RPC" },
  restUrl: { flag: "--rest", env: "CHAIN_REST_URL", help: "an http(s) URL of the chain's REST API" },
  host: { flag: "--host", env: "LISTEN_HOST", help: "an address to listen on (default 0.0.0.0)" },
  port: { flag: "--port", env: "LISTEN_PORT", help: "a TCP port, 1-65535 (default 9097)" },
  intervalSeconds: { flag: "--interval", env: "POLL_INTERVAL_SECONDS", help: "seconds between reads, 0.2-600 (default 2)" },
  fromHeight: { flag: "--from-height", env: "FROM_HEIGHT", help: "the first block to read, an integer >= 1 (default 1)" },
  maxBlocksPerTick: { flag: "--max-blocks-per-read", env: "MAX_BLOCKS_PER_READ", help: "blocks read per interval at most, 1-10000 (default 200)" },
  accountsFile: { flag: "--accounts", env: "ACCOUNTS_FILE", help: "a path to the genesis keys.json (optional)" },
};

export const usage = [
  "chain exporter: Prometheus metrics of claims, proofs, settlements and stakes read from a pocketd node",
  "",
  ...Object.values(settings).map((s) => `  ${s.flag.padEnd(22)} (${s.env}) ${s.help}`),
  "  --help",
].join("\n");

function bad(s: Setting, value: string): UsageError {
  return new UsageError(`${s.flag} (${s.env}) = ${JSON.stringify(value)}: allowed: ${s.help}`);
}

function url(s: Setting, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(s, v);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw bad(s, v);
  return v.replace(/\/+$/, "");
}

function number(s: Setting, v: string, min: number, max: number, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw bad(s, v);
  return n;
}

/** Parses flags (`--x value` or `--x=value`) over the environment. `undefined` means --help. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ExporterArgs | undefined {
  const raw = new Map<keyof ExporterArgs, string>();
  for (const [key, s] of Object.entries(settings) as [keyof ExporterArgs, Setting][]) {
    const v = env[s.env];
    if (v !== undefined && v !== "") raw.set(key, v);
  }
  const byFlag = new Map(Object.entries(settings).map(([k, s]) => [s.flag, k as keyof ExporterArgs]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return undefined;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const key = byFlag.get(flag);
    if (!key) throw new UsageError(`unknown argument ${JSON.stringify(a)}; allowed: ${[...byFlag.keys()].join(", ")}, --help`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value: ${settings[key].help}`);
    raw.set(key, value);
  }
  const need = (k: "rpcUrl" | "restUrl") => {
    const v = raw.get(k);
    if (v === undefined) throw new UsageError(`${settings[k].flag} (${settings[k].env}) is required: ${settings[k].help}`);
    return url(settings[k], v);
  };
  const opt = (k: keyof ExporterArgs, fallback: string) => raw.get(k) ?? fallback;
  return {
    rpcUrl: need("rpcUrl"),
    restUrl: need("restUrl"),
    host: opt("host", "0.0.0.0"),
    port: number(settings.port, opt("port", "9097"), 1, 65535, true),
    intervalSeconds: number(settings.intervalSeconds, opt("intervalSeconds", "2"), 0.2, 600, false),
    fromHeight: number(settings.fromHeight, opt("fromHeight", "1"), 1, Number.MAX_SAFE_INTEGER, true),
    maxBlocksPerTick: number(settings.maxBlocksPerTick, opt("maxBlocksPerTick", "200"), 1, 10_000, true),
    accountsFile: raw.get("accountsFile"),
  };
}
