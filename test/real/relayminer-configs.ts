/**
 * A "localize" step that points the in-cluster addresses of the rendered relayer and miner
 * configs (test/support/rendered-relayminer.ts) at processes on 127.0.0.1.
 */
import { parse, stringify } from "yaml";
import { supplierKeysFile } from "../../components/relay-miner/relayminer-config";

/** Only the keys file moves: the pod mounts it at an absolute path a test cannot write to. */
export function withKeysFile(yaml: string, keysFile: string): string {
  const doc = parse(yaml) as Record<string, any>;
  if (doc.keys?.keys_file !== supplierKeysFile) throw new Error(`rendered config does not name ${supplierKeysFile}: ${JSON.stringify(doc.keys)}`);
  doc.keys.keys_file = keysFile;
  return stringify(doc, { lineWidth: 0 });
}

export interface LocalAddresses {
  keysFile: string;
  redisUrl: string;
  rpcUrl: string;
  grpcAddress: string;
  backend: { http: number; grpc: number };
  listen: Record<"relay" | "metrics" | "pprof" | "health", number>;
}

const mapStrings = (v: unknown, f: (s: string) => string): unknown =>
  typeof v === "string"
    ? f(v)
    : Array.isArray(v)
      ? v.map((x) => mapStrings(x, f))
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]))
        : v;

/**
 * Rewrites every in-cluster address (Redis, validator, backend Services; 0.0.0.0 listeners) to the
 * given 127.0.0.1 endpoints. Everything else stays as rendered. Throws if a cluster name is left.
 */
export function localize(yaml: string, a: LocalAddresses): string {
  const doc = parse(yaml) as Record<string, any>;
  doc.keys.keys_file = a.keysFile;
  doc.redis.url = a.redisUrl;
  doc.pocket_node.query_node_rpc_url = a.rpcUrl;
  doc.pocket_node.query_node_grpc_url = a.grpcAddress;
  const at = (p: number) => `127.0.0.1:${p}`;
  if ("listen_addr" in doc) doc.listen_addr = at(a.listen.relay);
  if (doc.metrics) doc.metrics.addr = at(a.listen.metrics);
  if (doc.pprof) doc.pprof.addr = at(a.listen.pprof);
  if (doc.health_check) doc.health_check.addr = at(a.listen.health);
  const out = mapStrings(doc, (s) =>
    s
      .replace(/^(\w+:\/\/)?validator\.[a-z0-9.-]+\.svc\.cluster\.local:\d+/, a.rpcUrl)
      .replace(/backend\.[a-z0-9.-]+\.svc\.cluster\.local:8545/, at(a.backend.http))
      // Keep the rendered scheme-less host:port shape. The relayer url.Parse()s it, which only
      // works when the host starts with a letter (it parses as "scheme:opaque"): an IP such as
      // 127.0.0.1:port is rejected ("first path segment in URL cannot contain colon").
      .replace(/backend\.[a-z0-9.-]+\.svc\.cluster\.local:50051/, `localhost:${a.backend.grpc}`),
  );
  const text = stringify(out, { lineWidth: 0 });
  if (/svc\.cluster\.local|0\.0\.0\.0/.test(text)) throw new Error(`localize left a cluster address:\n${text}`);
  return text;
}
