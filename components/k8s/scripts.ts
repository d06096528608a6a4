/**
 * Shell that runs in pods lives in `.sh` files beside its part, so shellcheck reads it and tests run
 * the very file. A part mounts its scripts from one ConfigMap at /scripts and passes parameters as
 * environment variables; the scripts' text goes into the pod template's config hash, so an edited
 * script rolls the pods that run it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** Where a part's scripts ConfigMap is mounted in its containers. */
export const scriptsMountPath = "/scripts";

const volumeName = "scripts";

/** The named `.sh` files of a part folder: file name → text. */
export function readScripts<F extends string>(dir: string, files: readonly F[]): Record<F, string> {
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), "utf8")])) as Record<F, string>;
}

export interface ScriptsConfigMapArgs {
  /** ConfigMap name. */
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** File name → script text. */
  scripts: Record<string, string>;
}

export function scriptsConfigMap(resourceName: string, a: ScriptsConfigMapArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(resourceName, { metadata: { name: a.name, namespace: a.namespace, labels: a.labels }, data: a.scripts }, opts);
}

/** The pod volume of a scripts ConfigMap. */
export function scriptsVolume(configMap: k8s.core.v1.ConfigMap): k8s.types.input.core.v1.Volume {
  return { name: volumeName, configMap: { name: configMap.metadata.name } };
}

/** The container mount of the scripts volume. */
export const scriptsVolumeMount: k8s.types.input.core.v1.VolumeMount = { name: volumeName, mountPath: scriptsMountPath, readOnly: true };

/** The command that runs a mounted script (sh reads it; a ConfigMap file has no exec bit). */
export function scriptCommand(file: string): string[] {
  return ["sh", `${scriptsMountPath}/${file}`];
}

/** Environment variables from a plain record, in its order. */
export function envVars(env: Record<string, string>): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
