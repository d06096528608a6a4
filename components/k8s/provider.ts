/** The one Kubernetes provider every component's children use. */
import * as k8s from "@pulumi/kubernetes";
import type { LocalnetConfig } from "../config/schema";

/**
 * Settings both modes share, so a rendered plan and an applied one diff the same way.
 * ConfigMaps are updated in place: by default the provider replaces a ConfigMap whose data
 * changed, and with our fixed names that is delete-before-replace, which also replaces everything
 * that mounts it (a whole StatefulSet at once). In place, the config hash on the pod template
 * rolls the pods one by one instead. Secrets keep the default (replaced with their readers).
 */
const common = { enableConfigMapMutable: true } as const;

export function kubernetesProvider(config: LocalnetConfig): k8s.Provider {
  const k = config.kube;
  if (k.renderDir) {
    // Render mode writes manifests instead of applying them; it must not name a cluster.
    return new k8s.Provider("k8s", { ...common, renderYamlToDirectory: k.renderDir, namespace: config.namespace });
  }
  return new k8s.Provider("k8s", {
    ...common,
    context: k.context,
    kubeconfig: k.kubeconfig,
    namespace: config.namespace,
    // A recreated kind cluster has a new kubeconfig; keep the provider (and every resource) as is.
    clusterIdentifier: k.context ?? "current-context",
    // A deleted dev cluster should not block `pulumi destroy` or a fresh `up`.
    deleteUnreachable: true,
  });
}
