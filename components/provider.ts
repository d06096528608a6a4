/** The one Kubernetes provider every component's children use. */
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "./config/schema";

export function kubernetesProvider(config: LocalnetConfig): k8s.Provider {
  const k = config.kube;
  if (k.renderDir) {
    // Render mode writes manifests instead of applying them; it must not name a cluster.
    return new k8s.Provider("k8s", { renderYamlToDirectory: k.renderDir, namespace: config.namespace });
  }
  return new k8s.Provider("k8s", {
    context: k.context,
    kubeconfig: k.kubeconfig,
    namespace: config.namespace,
    // A recreated kind cluster has a new kubeconfig; keep the provider (and every resource) as is.
    clusterIdentifier: k.context ?? "current-context",
    // A deleted dev cluster should not block `pulumi destroy` or a fresh `up`.
    deleteUnreachable: true,
  });
}
