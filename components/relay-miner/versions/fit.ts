/**
 * A user's `relayer.config` / `miner.config` overrides against the chosen version's config rules,
 * each problem named by the key the user sets, so an override that version would refuse stops
 * `pulumi preview` instead of a pod. The rendered configs themselves are checked against every
 * version's rules by the unit tests.
 */
import { checkConfigRules } from "./config-rules";
import { relayMinerVersions, type RelayMinerVersionId } from "./versions";

export type RelayMinerRole = "relayer" | "miner";

export interface OverrideProblem {
  key: string;
  value?: unknown;
  message: string;
}

/** What `overrides` set that relay-miner `version` refuses for `role`. */
export function overrideProblems(version: RelayMinerVersionId, role: RelayMinerRole, overrides: Record<string, unknown>): OverrideProblem[] {
  return checkConfigRules(relayMinerVersions[version].config[role], overrides, { presence: false }).map((v) => ({
    key: `${role}.config.${v.path}`,
    value: v.value,
    message: `${v.message} (relay-miner ${version}, relayMiner.version)`,
  }));
}
