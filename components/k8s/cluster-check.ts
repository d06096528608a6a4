/** Runs the cluster preflight for the program: a clear RunError on `up`, a warning on `preview`. */
import * as pulumi from "@pulumi/pulumi";
import type { LocalnetConfig } from "../config/schema";
import { checkCluster, PreflightError } from "./preflight";

export async function requireCluster(config: LocalnetConfig): Promise<void> {
  if (config.kube.renderDir) return; // render mode needs no cluster
  try {
    await checkCluster({ kubeconfig: config.kube.kubeconfig, context: config.kube.context });
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    // A preview can still show the plan without a cluster; an update cannot do anything useful.
    if (pulumi.runtime.isDryRun()) pulumi.log.warn(e.message);
    else throw new pulumi.RunError(e.message);
  }
}
