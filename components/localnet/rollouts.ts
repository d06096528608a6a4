/**
 * How `pulumi up` waits for the pods: the provider's own awaits are replaced by the program's
 * (components/k8s/rollout-wait.ts), for every Deployment, StatefulSet and Service of the localnet.
 *
 * - The provider returns once the controller has seen a spec (`pulumi.com/waitFor` on
 *   `.metadata.name`: met at once, after the controller's observedGeneration check), so a
 *   workload's step ends quickly; its deletes still wait (only skipAwait changes those).
 * - Then the program waits for the rollout itself: every pod of the new revision Ready. A part's
 *   dependents are registered only after that (`ready`), so the order holds as before, and `up`
 *   ends only once the last part has rolled out.
 * - When a pod can never get Ready (an image that cannot be pulled, a crash loop, no node for it),
 *   every wait ends at once and the reason, with the config key of the image, is reported as an
 *   error on the workload: `up` fails in seconds instead of after a provider timeout (the parts
 *   after it are still created, without waiting).
 *
 * Provider awaits were not enough: the 4.25 provider ended StatefulSet updates before the pods
 * rolled (a race with the controller), and no provider version fails fast on a pull error.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LocalnetConfig } from "../config/schema";
import { watchNamespace, type KubectlTarget } from "../k8s/kube-watch";
import { previousLogs, RolloutError, RolloutWaiter, type Workload } from "../k8s/rollout-wait";
import type { WorkloadKind } from "../k8s/rollout";

/** The annotation that hands waiting over to the program (a condition the provider meets at once). */
export const handOverAwait = { "pulumi.com/waitFor": "jsonpath={.metadata.name}" } as const;

const workloadTypes: Record<string, WorkloadKind> = {
  "kubernetes:apps/v1:Deployment": "Deployment",
  "kubernetes:apps/v1:StatefulSet": "StatefulSet",
};
const handedOver = new Set([...Object.keys(workloadTypes), "kubernetes:core/v1:Service"]);

interface Recorded {
  resource: pulumi.CustomResource & { metadata: pulumi.Output<{ generation?: number }> };
  kind: WorkloadKind;
  name: string;
  matchLabels: Record<string, string>;
}

type Metadata = { annotations?: pulumi.Input<Record<string, string>> } & Record<string, unknown>;

/** Adds the hand-over annotation to plain or Output metadata. */
function withHandOver(metadata: pulumi.Input<Metadata> | undefined): pulumi.Input<Metadata> {
  const merge = (m: Metadata | undefined, a: Record<string, string> | undefined): Metadata => ({ ...(m ?? {}), annotations: { ...(a ?? {}), ...handOverAwait } });
  if (pulumi.Output.isInstance(metadata)) return metadata.apply((m) => pulumi.output(m.annotations).apply((a) => merge(m, a)));
  const m = metadata as Metadata | undefined;
  if (pulumi.Output.isInstance(m?.annotations)) {
    const annotations = m.annotations as pulumi.Output<Record<string, string> | undefined>;
    return { ...m, annotations: annotations.apply((a) => ({ ...(a ?? {}), ...handOverAwait })) };
  }
  return merge(m, m?.annotations as Record<string, string> | undefined);
}

/** The props of a Deployment or StatefulSet the waiter reads. */
interface WorkloadProps {
  metadata?: Metadata & { name?: string };
  spec?: { selector?: { matchLabels?: Record<string, string> } };
}

export class Rollouts {
  private readonly parentOf = new Map<pulumi.Resource, pulumi.Resource | undefined>();
  private readonly workloads: Recorded[] = [];
  private readonly readies = new Map<pulumi.Resource, pulumi.Input<pulumi.Resource>>();
  private readonly reported = new Set<Error>();

  /** `waiter` undefined: nothing waits (preview, render mode, Pulumi's mocks). */
  constructor(private readonly waiter: RolloutWaiter | undefined) {}

  /** For the parts' options: hands every workload's and Service's await to the program and records the workloads. */
  readonly transformation: pulumi.ResourceTransformation = (args) => {
    this.parentOf.set(args.resource, args.opts.parent);
    if (!handedOver.has(args.type)) return undefined;
    const given = args.props as WorkloadProps;
    const props = { ...args.props, metadata: withHandOver(given.metadata) };
    const kind = workloadTypes[args.type];
    if (kind) {
      this.workloads.push({
        resource: args.resource as Recorded["resource"],
        kind,
        name: String(given.metadata?.name ?? args.name),
        matchLabels: given.spec?.selector?.matchLabels ?? {},
      });
    }
    return { props, opts: args.opts };
  };

  private within(r: pulumi.Resource, part: pulumi.Resource): boolean {
    for (let p = this.parentOf.get(r); p; p = this.parentOf.get(p)) if (p === part) return true;
    return false;
  }

  /** `part` (a component, or one workload), once every workload it is or holds has rolled out (at once when nothing waits). For `dependsOn`. */
  ready<T extends pulumi.Resource>(part: T): pulumi.Input<T> {
    const known = this.readies.get(part) as pulumi.Input<T> | undefined;
    if (known) return known;
    const waiter = this.waiter;
    const mine = this.workloads.filter((w) => (w.resource as pulumi.Resource) === part || this.within(w.resource, part));
    if (!waiter || mine.length === 0) {
      this.readies.set(part, part);
      return part;
    }
    // Resolves even when a rollout fails (the failure is reported as an error on the workload,
    // which fails the update): a dependsOn that rejects would hang the program.
    const done = pulumi.all(mine.map((w) => pulumi.all([w.resource.urn, w.resource.metadata]))).apply(async (applied) => {
      const results = await Promise.allSettled(
        mine.map((w, i) => {
          const workload: Workload = { kind: w.kind, name: w.name, matchLabels: w.matchLabels, generation: applied[i][1]?.generation ?? 0 };
          return waiter.wait(workload, { onProgress: (line) => void pulumi.log.info(`${w.kind} ${w.name}: ${line}`, w.resource, undefined, true) });
        }),
      );
      for (const r of results) if (r.status === "rejected") await this.report(r.reason as Error);
      return part;
    });
    this.readies.set(part, done);
    return done;
  }

  /** Reports a failed rollout once (every pending wait fails with the same error), on the workload it names. */
  private async report(e: Error): Promise<void> {
    if (this.reported.has(e)) return;
    this.reported.add(e);
    const about = e instanceof RolloutError ? e.workload : undefined;
    const resource = this.workloads.find((w) => `${w.kind} ${w.name}` === about)?.resource;
    await pulumi.log.error(e.message, resource);
  }

  /** Resolves once every one of `parts` has rolled out (for the component's registerOutputs, which `up` waits for). */
  all(parts: pulumi.Resource[]): pulumi.Output<boolean> {
    return pulumi.all(parts.map((p) => this.ready(p))).apply(() => true);
  }
}

/** Under Pulumi's mocks (unit tests) there is no cluster to watch. */
function mocked(): boolean {
  const monitor = pulumi.runtime.getMonitor() as { mocks?: unknown } | undefined;
  return monitor !== undefined && "mocks" in monitor;
}

/** Adds image reference → config key of every image of the config (built ones once their tags are known), for the messages of a failed pull. */
export function addImageKeys(keys: Map<string, string>, config: LocalnetConfig, built: { backend: pulumi.Output<string>; relayMiner: pulumi.Output<string> }): void {
  for (const [key, ref] of Object.entries(config.images)) keys.set(ref, `images.${key}`);
  built.backend.apply((ref) => keys.set(ref, keys.get(ref) ?? "images.backend (built: build.enabled)"));
  built.relayMiner.apply((ref) => keys.set(ref, keys.get(ref) ?? "images.relayMiner (built from build.relayminerSource)"));
}

/** The waiter `pulumi up` uses: kubectl watches of the namespace, on the provider's cluster. Undefined where nothing should wait. */
export function defaultRolloutWaiter(config: LocalnetConfig, imageKeys: ReadonlyMap<string, string>): RolloutWaiter | undefined {
  if (pulumi.runtime.isDryRun() || config.kube.renderDir || mocked()) return undefined;
  const target: KubectlTarget = { namespace: config.namespace, kubeconfig: config.kube.kubeconfig, context: config.kube.context };
  return new RolloutWaiter({
    source: () => watchNamespace(target, ["pods", "statefulsets.apps", "deployments.apps"]),
    imageKeys,
    logsOf: (pod, container) => previousLogs(target, pod, container),
  });
}
