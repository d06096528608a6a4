/** Runs the cluster preflight for the program: a clear RunError on `up`, a warning on `preview`. */
import * as pulumi from "@pulumi/pulumi";
import { checkCluster, PreflightError } from "./preflight";

export interface ClusterChoice {
  kubeconfig?: string;
  context?: string;
  /** Render mode needs no cluster. */
  renderDir?: string;
}

export async function requireCluster(kube: ClusterChoice): Promise<void> {
  if (kube.renderDir) return;
  try {
    await checkCluster({ kubeconfig: kube.kubeconfig, context: kube.context });
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    // A preview can still show the plan without a cluster; an update cannot do anything useful.
    if (pulumi.runtime.isDryRun()) void pulumi.log.warn(e.message);
    else throw new pulumi.RunError(e.message);
  }
}
