/**
 * LogQL for the log panels. The log collector sends each pod's lines to Loki with the pod, its
 * container and namespace as resource attributes, which Loki keeps as the stream labels
 * `k8s_pod_name`, `k8s_container_name` and `k8s_namespace_name`. The collector reads only the
 * localnet's namespace, so no panel has to name it.
 */

/** The label a log stream's pod name is in. */
export const podLabel = "k8s_pod_name";
export const containerLabel = "k8s_container_name";

/**
 * Lines of one container, of the pods whose name matches `podRegex` (a RE2 regex; a dashboard
 * variable may be used as `${var:pipe}`, which "All" turns into `.*`).
 */
export function containerLogs(container: string, podRegex: string, filter?: string): string {
  return `{${containerLabel}="${container}", ${podLabel}=~"${podRegex}"}${filter ? ` ${filter}` : ""}`;
}

/** Pods of a StatefulSet filtered by the dashboard's `replica` variable (ordinals). */
export const replicaPods = (statefulSet: string) => `${statefulSet}-(\${replica:pipe})`;

/** Lines that look like a warning or an error, in any of the localnet's log formats (a raw LogQL string). */
export const problems = '|~ `(?i)(level[=":]+"?(warn|error|fatal|panic)|\\b(WRN|ERR|ERROR|WARN|FATAL)\\b)`';
