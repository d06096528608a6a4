/**
 * From the stack output `forwards` to the kubectl commands `npm run forward` runs. Pure: no
 * process is started here, so the plan is testable without kubectl or a cluster.
 */
import { z } from "zod";
import type { ForwardSpec } from "../../components/topology/forwards";
import { UsageError } from "../usage-error";

const port = z.number().int().min(1).max(65535);
const forwardSpec = z.object({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a namespace name"),
  resource: z.string().regex(/^(svc|pod)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "svc/<name> or pod/<name>"),
  hostPort: port,
  targetPort: port,
  url: z.string(),
  name: z.string().min(1),
}) satisfies z.ZodType<ForwardSpec>;

/** Parses and checks the `forwards` output (or a file with the same JSON). `source` names where it came from. */
export function parseForwards(json: string, source: string): ForwardSpec[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new UsageError(`${source}: not JSON (${(e as Error).message}); expected the stack output \`forwards\`, a list of {namespace, resource, hostPort, targetPort, url, name}`);
  }
  const parsed = z.array(forwardSpec).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? `[${issue.path.join("].")}` : "(top level)";
    throw new UsageError(`${source}: ${at}: ${issue.message}; expected a list of {namespace, resource: svc/<name>|pod/<name>, hostPort, targetPort, url, name}`);
  }
  const seen = new Map<number, string>();
  for (const f of parsed.data) {
    const other = seen.get(f.hostPort);
    if (other) throw new UsageError(`${source}: host port ${f.hostPort} is used by both ${other} and ${f.name}; give one of them another ports.<name>`);
    seen.set(f.hostPort, f.name);
  }
  return parsed.data;
}

export interface PlannedForward {
  spec: ForwardSpec;
  /** Program and arguments, ready for spawn (no shell). */
  command: string;
  args: string[];
  /** The same forward's arguments to another resource and port (a pod picked by follow.ts). */
  argsFor(resource: string, targetPort: number): string[];
}

export interface PlanOptions {
  kubectl?: string;
  /** kubeconfig context; default: kubectl's current context. */
  context?: string;
  /** Keep only forwards whose name (before any `[replica]`) is in this list. */
  only?: readonly string[];
}

export function planForwards(specs: readonly ForwardSpec[], opts: PlanOptions = {}): PlannedForward[] {
  const known = new Set(specs.map((s) => s.name.replace(/\[\d+\]$/, "")));
  for (const name of opts.only ?? []) {
    if (!known.has(name) && !specs.some((s) => s.name === name)) {
      throw new UsageError(`--only ${JSON.stringify(name)}: no such forward; allowed: ${[...known].join(", ")}`);
    }
  }
  const wanted = (s: ForwardSpec) => !opts.only || opts.only.includes(s.name) || opts.only.includes(s.name.replace(/\[\d+\]$/, ""));
  return specs.filter(wanted).map((spec) => {
    const argsFor = (resource: string, targetPort: number) => [
      ...(opts.context ? ["--context", opts.context] : []),
      "port-forward",
      // Bind the host side to loopback only: these are dev endpoints with dev keys behind them.
      "--address",
      "127.0.0.1",
      "-n",
      spec.namespace,
      resource,
      `${spec.hostPort}:${targetPort}`,
    ];
    return { spec, command: opts.kubectl ?? "kubectl", args: argsFor(spec.resource, spec.targetPort), argsFor };
  });
}

/** Delay before restart number `attempt` (1-based): 0.5 s doubling to at most 15 s. */
export function restartDelayMs(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));
}
