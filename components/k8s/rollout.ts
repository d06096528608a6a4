/**
 * When is a Deployment's or StatefulSet's rollout done, and what stops it for good, read from the
 * objects as the API server returns them. Pure: the waiter (rollout-wait.ts) feeds it what it
 * watches.
 *
 * Done: the controller has seen the latest spec (observedGeneration), every pod is of the new
 * revision and Ready, and no pod of an old one is left.
 *
 * Stuck, reported at once rather than after an await timeout: an image that cannot be pulled (the
 * message names it and the config key it came from), a container crash-looping, a pod the
 * scheduler has not been able to place for a while.
 */

export type WorkloadKind = "Deployment" | "StatefulSet";

export interface KubeContainer {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
}

export interface KubeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A Kubernetes object as JSON: the fields of Pods, Services, Deployments and StatefulSets read here. */
export interface KubeObject {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
  spec?: {
    replicas?: number;
    containers?: KubeContainer[];
    initContainers?: KubeContainer[];
    /** A Service's selector. */
    selector?: Record<string, string>;
    /** A Service's ports. */
    ports?: { port: number; targetPort?: number | string }[];
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: KubeCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface RolloutState {
  done: boolean;
  /** What is still missing, for progress lines and timeout messages. */
  progress: string;
}

export function rolloutState(kind: WorkloadKind, obj: KubeObject | undefined): RolloutState {
  if (!obj) return { done: false, progress: `${kind} not found` };
  const want = obj.spec?.replicas ?? 1;
  const st = obj.status ?? {};
  const n = (v: unknown) => (typeof v === "number" ? v : 0);
  const seen = n(st.observedGeneration) >= n(obj.metadata.generation);
  if (!seen) return { done: false, progress: "waiting for the controller to see the new spec" };
  const counts = { replicas: n(st.replicas), updated: n(st.updatedReplicas), ready: n(st.readyReplicas) };
  const revisionDone = kind === "Deployment" || want === 0 || (st.currentRevision !== undefined && st.currentRevision === st.updateRevision);
  const done = counts.replicas === want && counts.updated === want && counts.ready === want && revisionDone && (kind === "StatefulSet" || n(st.availableReplicas) === want);
  const old = counts.replicas - counts.updated;
  return {
    done,
    progress: `${counts.ready}/${want} ready, ${counts.updated}/${want} updated${old > 0 ? `, ${old} old pod(s) left` : ""}`,
  };
}

/** Whether `pod` belongs to a workload with these matchLabels. */
export function selects(matchLabels: Record<string, string>, pod: KubeObject): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

/** Waiting reasons that no retry of the kubelet's will get past. */
const pullFailures = new Set(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"]);

/** Restarts after which a crash-looping container counts as broken, not as starting up. */
export const crashLoopRestarts = 3;
/** How long a pod may stay unschedulable before the waiter gives up on it. */
export const unschedulableGraceMs = 30_000;

export interface PodProblem {
  pod: string;
  container?: string;
  message: string;
}

interface ContainerStatus {
  name: string;
  image?: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

/**
 * The first thing that will keep `pod` from ever becoming Ready, if any. `imageKeys` maps an image
 * reference to the config key it came from; `now` is for the scheduling grace.
 */
export function podProblem(pod: KubeObject, imageKeys: ReadonlyMap<string, string>, now: number): PodProblem | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const name = pod.metadata.name;
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    const image = specs.find((c) => c.name === s.name)?.image ?? s.image ?? "?";
    if (waiting?.reason && pullFailures.has(waiting.reason)) {
      const key = imageKeys.get(image);
      return {
        pod: name,
        container: s.name,
        message: `image "${image}"${key ? ` (${key})` : ""} cannot be pulled: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`,
      };
    }
    if (waiting?.reason === "CrashLoopBackOff" && (s.restartCount ?? 0) >= crashLoopRestarts) {
      const last = s.lastState?.terminated;
      return {
        pod: name,
        container: s.name,
        message: `container ${s.name} keeps exiting (${s.restartCount} restarts${last ? `, last exit code ${last.exitCode}${last.reason ? ` ${last.reason}` : ""}` : ""})`,
      };
    }
  }
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const since = Date.parse(scheduled.lastTransitionTime ?? pod.metadata.creationTimestamp ?? "");
    if (Number.isFinite(since) && now - since >= unschedulableGraceMs) {
      return { pod: name, message: `cannot be scheduled for ${Math.round((now - since) / 1000)} s: ${scheduled.message ?? "Unschedulable"}` };
    }
  }
  return undefined;
}
