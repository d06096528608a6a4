/**
 * The key shapes `npm run status` reads, in one place: built from components/names.ts (the same
 * spelling the relayer gate and the relay-miner configs use) plus the parsers that go back from a
 * scanned key to the supplier / instance / state it names.
 */
import { minerRedisKeys, type RelayMinerRedisKeys } from "../../components/topology/names";

/** The standalone spelling; a Connection carries the one of its Redis mode. */
export const keys: RelayMinerRedisKeys = minerRedisKeys;

/** The text after `prefix*` in a key matched by `<prefix>*`, or undefined if it does not match. */
function after(prefix: string, key: string): string | undefined {
  return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined;
}

const prefixOf = (pattern: string) => pattern.slice(0, pattern.indexOf("*"));

/** `ha:miner:instance:<id>` → `<id>`. */
export const instanceOf = (key: string, k = keys) => after(prefixOf(k.instancePattern), key);
/** `ha:miner:claim:<supplier>` → `<supplier>`. */
export const leasedSupplierOf = (key: string, k = keys) => after(prefixOf(k.supplierLeasePattern), key);
/** `ha:relays:<supplier>` → `<supplier>`. */
export const streamSupplierOf = (key: string, k = keys) => after(prefixOf(k.relayStreamPattern), key);

/** `ha:miner:sessions:<supplier>:index` → `<supplier>`. */
export function indexedSupplierOf(key: string, k = keys): string | undefined {
  const rest = after(prefixOf(k.sessionIndexPattern), key);
  return rest?.endsWith(":index") ? rest.slice(0, -":index".length) || undefined : undefined;
}

/** `ha:miner:sessions:<supplier>:state:<state>` → `{supplier, state}`. */
export function sessionStateOf(key: string, k = keys): { supplier: string; state: string } | undefined {
  const rest = after(prefixOf(k.sessionIndexPattern), key);
  const at = rest?.lastIndexOf(":state:") ?? -1;
  if (!rest || at <= 0) return undefined;
  const state = rest.slice(at + ":state:".length);
  return state ? { supplier: rest.slice(0, at), state } : undefined;
}
