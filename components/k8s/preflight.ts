/**
 * Before any resource is registered: is there a cluster to deploy to? Without this, a missing or
 * stopped cluster surfaces as a provider stack trace deep into `pulumi up`; here it is one sentence
 * that says what is missing and how to get it.
 */
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

export class PreflightError extends Error {
  override name = "PreflightError";
}

const howToGetOne =
  "Create a local cluster first (`npm run cluster:up` for kind, `minikube start`, or enable Kubernetes in Docker Desktop), " +
  "then choose it with `pulumi config set kube.context <context>`.";

export interface ClusterTarget {
  kubeconfigPath: string;
  context: string;
  server: string;
}

/** The kubeconfig file that will be used: explicit path, first entry of $KUBECONFIG, or ~/.kube/config. */
export function kubeconfigPath(explicit: string | undefined, env = process.env): string {
  if (explicit) return explicit;
  const fromEnv = env.KUBECONFIG?.split(":").find((p) => p.length > 0);
  return fromEnv ?? join(homedir(), ".kube", "config");
}

interface Kubeconfig {
  "current-context"?: string;
  contexts?: { name: string; context?: { cluster?: string } }[];
  clusters?: { name: string; cluster?: { server?: string } }[];
}

/** Finds the API server of a context in kubeconfig text. Throws PreflightError naming what is missing. */
export function resolveClusterTarget(kubeconfigText: string, path: string, context?: string): ClusterTarget {
  let doc: Kubeconfig;
  try {
    doc = (parse(kubeconfigText) ?? {}) as Kubeconfig;
  } catch (e) {
    throw new PreflightError(`The kubeconfig ${path} is not valid YAML (${(e as Error).message.split("\n")[0]}).`);
  }
  const names = (doc.contexts ?? []).map((c) => c.name);
  const wanted = context ?? doc["current-context"];
  if (!wanted) {
    throw new PreflightError(`The kubeconfig ${path} has no current context and kube.context is not set. ${names.length ? `Contexts there: ${names.join(", ")}.` : howToGetOne}`);
  }
  const ctx = (doc.contexts ?? []).find((c) => c.name === wanted);
  if (!ctx) {
    const known = names.length ? `Contexts there: ${names.join(", ")}.` : "It has no contexts.";
    throw new PreflightError(`No Kubernetes context "${wanted}" in ${path} (kube.context = ${JSON.stringify(wanted)}). ${known} ${howToGetOne}`);
  }
  const cluster = (doc.clusters ?? []).find((c) => c.name === ctx.context?.cluster);
  const server = cluster?.cluster?.server;
  if (!server) throw new PreflightError(`Context "${wanted}" in ${path} names cluster "${ctx.context?.cluster}", which has no server address.`);
  return { kubeconfigPath: path, context: wanted, server };
}

/** Resolves with undefined when a TCP connection to the API server opens, else with the reason. */
export function probeServer(server: string, timeoutMs = 3000): Promise<string | undefined> {
  const url = new URL(server);
  const port = Number(url.port || (url.protocol === "http:" ? 80 : 443));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason?: string) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Checks that the configured cluster exists and answers. Throws PreflightError otherwise. */
export async function checkCluster(opts: { kubeconfig?: string; context?: string }): Promise<ClusterTarget> {
  const path = kubeconfigPath(opts.kubeconfig);
  if (!existsSync(path)) throw new PreflightError(`No Kubernetes cluster: there is no kubeconfig at ${path}. ${howToGetOne}`);
  const target = resolveClusterTarget(readFileSync(path, "utf8"), path, opts.context);
  const reason = await probeServer(target.server);
  if (reason) {
    throw new PreflightError(
      `The Kubernetes cluster of context "${target.context}" (${target.server}) is not reachable: ${reason}. ` +
        "Is it running? (`kind get clusters`, `minikube status`, or Docker Desktop's Kubernetes settings)",
    );
  }
  return target;
}
