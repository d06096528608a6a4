/**
 * The stack config as the program reads it: Pulumi's raw config (or a config object) in, a
 * checked LocalnetConfig out. A problem becomes a RunError: Pulumi prints its message without a
 * stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseConfigTree, parseStackConfig } from "./load";
import { ConfigError } from "./errors";
import type { LocalnetConfig, LocalnetConfigInput } from "./schema";

export type { LocalnetConfig, LocalnetConfigInput } from "./schema";

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ConfigError) throw asRunError(e);
    throw e;
  }
}

/** For config problems a component finds while it builds (e.g. an unusable build context). */
export function asRunError(e: ConfigError): pulumi.RunError {
  return new pulumi.RunError(e.message);
}

/** Reads every key of this project from the stack (flat and --path forms) and checks it. */
export function loadConfig(projectDir: string): LocalnetConfig {
  return checked(() => parseStackConfig(pulumi.runtime.allConfig(), { projectDir }));
}

/** Checks a config object of the stack config's shape; defaults fill what it leaves out. */
export function checkConfig(input: LocalnetConfigInput, projectDir: string): LocalnetConfig {
  return checked(() => parseConfigTree(input as Record<string, unknown>, { projectDir }));
}
