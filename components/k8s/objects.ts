/** Small helpers every component uses: labels, content hashes that roll pods, probes, resources. */
import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";

const partOf = "relayminer-localnet";

/** Pull policy of every container of the localnet. */
export type ImagePullPolicy = "IfNotPresent" | "Always" | "Never";

/** Labels of one role's pods; `app` is kept for people used to the selectors of other localnets. */
export function labelsFor(name: string, component: string): Record<string, string> {
  return {
    app: name,
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": partOf,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The subset of labels a selector uses (selectors are immutable, so keep them minimal). */
export function selectorFor(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": partOf };
}

/** sha256 of text (or of several named texts, order-independent), first 16 hex chars. */
export function contentHash(content: string | Record<string, string>): string {
  const h = createHash("sha256");
  if (typeof content === "string") h.update(content);
  else for (const key of Object.keys(content).sort()) h.update(`${key}\0${content[key]}\0`);
  return h.digest("hex").slice(0, 16);
}

/** Pod-template annotation carrying a config hash: a config change changes the template, so pods roll. */
export const configHashAnnotation = "relayminer-localnet/config-hash";

export function httpProbe(path: string, port: number, opts: Partial<k8s.types.input.core.v1.Probe> = {}): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, ...opts };
}

export function execProbe(command: string[], opts: Partial<k8s.types.input.core.v1.Probe> = {}): k8s.types.input.core.v1.Probe {
  return { exec: { command }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, ...opts };
}

/** Resource requests/limits in one line. */
export function resources(cpuRequest: string, memRequest: string, cpuLimit: string, memLimit: string) {
  return { requests: { cpu: cpuRequest, memory: memRequest }, limits: { cpu: cpuLimit, memory: memLimit } };
}
