/** A hand-driven ObjectSource (what the kubectl watches deliver), for the rollout waiter's and the forward's tests. */
import type { ObjectSource, WatchedKind } from "../../components/k8s/kube-watch";
import type { KubeObject } from "../../components/k8s/rollout";

export class FakeSource implements ObjectSource {
  readonly maps: Record<WatchedKind, Map<string, KubeObject>> = { pods: new Map(), "statefulsets.apps": new Map(), "deployments.apps": new Map() };
  private readonly listeners = new Set<() => void>();
  failure: Error | undefined;
  closed = false;
  objects(kind: WatchedKind) {
    return this.maps[kind];
  }
  onChange(l: () => void) {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }
  error() {
    return this.failure;
  }
  close() {
    this.closed = true;
  }
  set(kind: WatchedKind, obj: KubeObject) {
    this.maps[kind].set(obj.metadata.name, obj);
    this.listeners.forEach((l) => l());
  }
  delete(kind: WatchedKind, name: string) {
    this.maps[kind].delete(name);
    this.listeners.forEach((l) => l());
  }
  fail(e: Error) {
    this.failure = e;
    this.listeners.forEach((l) => l());
  }
}

/** A workload's status once every one of its `replicas` pods is of generation `generation` and Ready. */
export function rolledOut(kind: "StatefulSet" | "Deployment", name: string, replicas: number, generation = 1): KubeObject {
  return {
    metadata: { name, generation },
    spec: { replicas },
    status: {
      observedGeneration: generation,
      replicas,
      readyReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: replicas,
      currentRevision: `${name}-1`,
      updateRevision: `${name}-1`,
    },
  };
}
