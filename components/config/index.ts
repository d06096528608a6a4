/** The stack config as the program reads it: Pulumi's raw config in, a checked LocalnetConfig out. */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./load";
import { ConfigError } from "./errors";
import type { LocalnetConfig } from "./schema";

export type { LocalnetConfig } from "./schema";
export { ConfigError } from "./errors";

/**
 * Reads every key of this project from the stack (flat and --path forms) and checks it.
 * A problem becomes a RunError: Pulumi prints its message without a stack trace.
 */
export function loadConfig(projectDir: string): LocalnetConfig {
  try {
    return parseStackConfig(pulumi.runtime.allConfig(), { projectDir });
  } catch (e) {
    if (e instanceof ConfigError) throw asRunError(e);
    throw e;
  }
}

/** For config problems a component finds while it builds (e.g. an unusable build context). */
export function asRunError(e: ConfigError): pulumi.RunError {
  return new pulumi.RunError(e.message);
}
