/** The one Kubernetes provider every component's children use. */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface ProviderArgs {
  /** Namespace of every object that names none. */
  namespace: string;
  /** kubeconfig context. @default the kubeconfig's current context */
  context?: string;
  /** kubeconfig file. @default $KUBECONFIG, else ~/.kube/config */
  kubeconfig?: string;
  /** Write manifests to this directory instead of applying them. @default unset (apply to the cluster) */
  renderDir?: string;
}

/**
 * Settings both modes share, so a rendered plan and an applied one diff the same way.
 * ConfigMaps are updated in place: by default the provider replaces a ConfigMap whose data
 * changed, and with our fixed names that is delete-before-replace, which also replaces everything
 * that mounts it (a whole StatefulSet at once). In place, the config hash on the pod template
 * rolls the pods one by one instead. Secrets keep the default (replaced with their readers).
 */
const common = { enableConfigMapMutable: true } as const;

export function kubernetesProvider(a: ProviderArgs, opts: pulumi.CustomResourceOptions = {}): k8s.Provider {
  if (a.renderDir) {
    // Render mode writes manifests instead of applying them; it must not name a cluster.
    return new k8s.Provider("k8s", { ...common, renderYamlToDirectory: a.renderDir, namespace: a.namespace }, opts);
  }
  return new k8s.Provider(
    "k8s",
    {
      ...common,
      context: a.context,
      kubeconfig: a.kubeconfig,
      namespace: a.namespace,
      // A recreated kind cluster has a new kubeconfig; keep the provider (and every resource) as is.
      clusterIdentifier: a.context ?? "current-context",
      // A deleted dev cluster should not block `pulumi destroy` or a fresh `up`.
      deleteUnreachable: true,
    },
    opts,
  );
}
