/** The headless Service that governs a StatefulSet's pods (redis, miner, relayer). */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { labelsFor, selectorFor } from "./objects";

export interface HeadlessServiceArgs {
  /** Service name, and so the DNS domain of the pods (`<pod>.<name>`). */
  name: string;
  namespace: string;
  /** The `app.kubernetes.io/component` label. */
  component: string;
  /** The `app.kubernetes.io/name` of the pods it selects. */
  selects: string;
  ports: { name: string; port: number }[];
}

/**
 * A headless Service: per-pod DNS for a StatefulSet, no load balancing, not-ready pods published
 * (peers and gates find a pod by name before it is ready; readers check readiness themselves).
 * Keep its spec independent of config: a Service never needs an update then, and the 4.25
 * provider can end a headless Service update with pre-patch state (the next preview re-proposes it).
 */
export function headlessService(resourceName: string, a: HeadlessServiceArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    resourceName,
    {
      metadata: { name: a.name, namespace: a.namespace, labels: labelsFor(a.name, a.component) },
      spec: {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: selectorFor(a.selects),
        ports: a.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
      },
    },
    opts,
  );
}
