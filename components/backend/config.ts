/**
 * The demo backend's config.yaml as the Backend component renders it: pure, so the config rules
 * can check `backend.config` with the backend's own schema before anything is deployed.
 */
import { containerPorts } from "../topology/ports";

/** CPU limit of a backend pod; `backend.workers = 0` means one worker per CPU of this limit. */
export const backendCpuLimit = 2;

/** Keys of the backend's config.yaml the component sets itself (ports from the registry). */
export const ownedBackendKeys = ["host", "http_port", "admin_port", "grpc_port", "metrics_port", "workers", "backend_id"];

export interface BackendConfigInput {
  /** The user's `backend.config`. */
  config: Record<string, unknown>;
  /** Workers per pod; 0 = one per CPU of the pod's limit. */
  workers: number;
}

/** The backend's config.yaml: the user's `backend.config` plus the listeners from the port registry. */
export function backendConfigObject(i: BackendConfigInput): Record<string, unknown> {
  const p = containerPorts.backend;
  return {
    ...i.config,
    host: "0.0.0.0",
    http_port: p.http,
    admin_port: p.admin,
    grpc_port: p.grpc,
    metrics_port: p.metrics,
    // Node's CPU count ignores the cgroup limit, so "one per CPU" is the pod's limit, set here.
    workers: i.workers === 0 ? backendCpuLimit : i.workers,
  };
}
