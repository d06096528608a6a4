/**
 * Config rules of release v0.1.2, from its deployment docs (its invariants and the errors its
 * binaries print), its config schemas and its config loaders. Unlike the pinned commit, its
 * `validate` refuses every key it does not know or has retired: the init container that runs
 * `validate` in each pod would fail on one, so the keys it knows are listed where the localnet
 * renders or a user is likely to override.
 */
import { rulesOf, type ConfigRules } from "./config-rules";
import { sharedMinerRules, sharedRelayerRules } from "./rules-shared";

/** Every segment below the base prefix became fixed in code: configuring one is refused. */
const retiredPrefixes = Object.fromEntries(
  ["cache", "events", "streams", "miner", "supplier", "meter", "params", "consumer_group"].map((family) => [
    `redis.namespace.${family}_prefix`,
    "only redis.namespace.base_prefix is configurable; remove it",
  ]),
);

const releaseDifferences: Partial<ConfigRules> = {
  // Two key sources only, and exactly one: both set is a startup error, none leaves nothing to sign with.
  exactlyOne: [["keys.keys_file", "keys.keyring"]],
  oneOf: {
    // "os" and "memory" are refused at startup: one needs a system keychain, the other starts empty.
    "keys.keyring.backend": ["file", "test"],
    "logging.level": ["debug", "info", "warn", "error"],
  },
  pattern: { "redis.namespace.base_prefix": { re: /^[a-zA-Z0-9_-]+$/, like: "letters, digits, '_' and '-' only" } },
  retired: retiredPrefixes,
  known: { "redis.namespace": ["base_prefix"] },
};

export const releaseRelayerRules: ConfigRules = rulesOf(sharedRelayerRules, {
  ...releaseDifferences,
  retired: { ...retiredPrefixes, "relay_meter.fail_behavior": "the relayer now refuses a relay whose budget it cannot verify; remove it" },
  known: {
    ...releaseDifferences.known,
    "": [
      "listen_addr",
      "redis",
      "pocket_node",
      "keys",
      "services",
      "default_validation_mode",
      "default_request_timeout_seconds",
      "default_max_body_size_bytes",
      "default_max_request_body_size_bytes",
      "default_max_response_body_size_bytes",
      "default_validation_queue_max_mib",
      "metrics",
      "pprof",
      "health_check",
      "cache_warmup",
      "logging",
      "relay_meter",
      "http_transport",
      "response_compression",
      "timeout_profiles",
      "pool_profiles",
      "simulation",
    ],
    keys: ["keys_file", "keyring", "hot_reload_enabled"],
    relay_meter: ["cache_ttl"],
  },
});

export const releaseMinerRules: ConfigRules = rulesOf(sharedMinerRules, {
  ...releaseDifferences,
  // The miner exits without them: every claim and proof deadline is computed from the block time,
  // and it refuses a node that reports another network than chain_id.
  required: ["block_time_seconds", "pocket_node.chain_id"],
  known: { ...releaseDifferences.known, keys: ["keys_file", "keyring"] },
});
