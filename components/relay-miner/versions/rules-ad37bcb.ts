/**
 * Config rules of the pinned commit ad37bcb, from its config.relayer.schema.yaml,
 * config.miner.schema.yaml and config loaders. Its binaries ignore keys they do not know (no
 * `known` lists) and read any of three key sources.
 */
import { rulesOf, type ConfigRules } from "./config-rules";
import { sharedMinerRules, sharedRelayerRules } from "./rules-shared";

const pinnedDifferences: Partial<ConfigRules> = {
  atLeastOne: [["keys.keys_file", "keys.keys_dir", "keys.keyring"]],
  oneOf: {
    "keys.keyring.backend": ["file", "os", "test", "memory"],
    "logging.level": ["trace", "debug", "info", "warn", "error"],
  },
};

export const pinnedRelayerRules: ConfigRules = rulesOf(sharedRelayerRules, pinnedDifferences);
export const pinnedMinerRules: ConfigRules = rulesOf(sharedMinerRules, pinnedDifferences);
