/**
 * `npm run forward`: opens the stack's port-forwards (output `forwards`) on 127.0.0.1 with
 * kubectl, follows the pods (a forward moves to the new pod the moment its pod is replaced),
 * restarts any that die, and stops them all on Ctrl-C. The Tiltfile runs the same command as a
 * serve_cmd, so the URLs in the stack outputs work with or without Tilt.
 */
import { spawnSync } from "node:child_process";
import { eachArg } from "./flags";
import { planForwards, type PlanOptions } from "./forward/plan";
import { UsageError } from "./usage-error";
import { loadForwards, type ForwardSource } from "./forward/source";
import { supervise, type FollowOptions } from "./forward/supervise";
import { serviceView, type ServiceView } from "./forward/follow";
import { kubectlArgs, watchNamespace, type ObjectSource } from "../components/k8s/kube-watch";
import type { KubeObject } from "../components/k8s/rollout";

const usage = `Usage: npm run forward -- [--stack <name> | --file <forwards.json> | --forwards '<json>']
                           [--context <kube-context>] [--only <name,...>] [--dry-run]

Runs \`kubectl port-forward --address 127.0.0.1\` for every entry of the stack output \`forwards\`
and keeps them running. Default stack: local. --only takes port names such as redis,grafana,relayerRelay.
--dry-run prints the kubectl commands and exits.`;

interface Args {
  source: ForwardSource;
  plan: PlanOptions;
  dryRun: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let source: ForwardSource = { kind: "stack", stack: process.env.PULUMI_STACK || "local" };
  const plan: PlanOptions = { kubectl: process.env.KUBECTL || "kubectl" };
  let dryRun = false;
  let help = false;
  eachArg(argv, (flag, value, arg) => {
    if (flag === "--stack") source = { kind: "stack", stack: value() };
    else if (flag === "--file") source = { kind: "file", path: value() };
    else if (flag === "--forwards") source = { kind: "inline", json: value() };
    else if (flag === "--context") plan.context = value();
    else if (flag === "--only")
      plan.only = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (flag === "--dry-run") dryRun = true;
    else if (flag === "-h" || flag === "--help") help = true;
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}; allowed: --stack, --file, --forwards, --context, --only, --dry-run, --help`);
  });
  return { source, plan, dryRun, help };
}

/** A watch of the pods of every namespace the plan forwards into, and the Services behind svc/ forwards (read once, again while unreadable). */
function followPods(namespaces: string[], kubectl: string, context: string | undefined): { follow: FollowOptions; close(): void } {
  const sources = new Map<string, ObjectSource>(namespaces.map((ns) => [ns, watchNamespace({ namespace: ns, context, kubectl }, ["pods"])]));
  const services = new Map<string, ServiceView>();
  return {
    follow: {
      pods: (ns) => sources.get(ns)?.objects("pods").values() ?? [],
      onChange(listener) {
        const offs = [...sources.values()].map((s) => s.onChange(listener));
        return () => offs.forEach((off) => off());
      },
      service(ns, name) {
        const key = `${ns}/${name}`;
        if (!services.has(key)) {
          const r = spawnSync(kubectl, kubectlArgs({ namespace: ns, context }, ["get", "service", name, "-n", ns, "-o", "json"]), { encoding: "utf8", timeout: 15_000 });
          try {
            const view = r.status === 0 ? serviceView(JSON.parse(r.stdout) as KubeObject) : undefined;
            if (view) services.set(key, view);
          } catch {
            // Not JSON: read again next time.
          }
        }
        return services.get(key);
      },
      failed: () => [...sources.values()].map((s) => s.error()?.message).find((m) => m !== undefined),
    },
    close: () => sources.forEach((s) => s.close()),
  };
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

function requireKubectl(kubectl: string): void {
  const r = spawnSync(kubectl, ["version", "--client"], { stdio: "ignore" });
  if (r.error) throw new UsageError(`${kubectl} is not on PATH (${(r.error as NodeJS.ErrnoException).code}); install kubectl, or set KUBECTL to its path`);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const plan = planForwards(loadForwards(args.source), args.plan);
  if (args.dryRun) {
    for (const p of plan) console.log([p.command, ...p.args].map(quote).join(" "));
    return 0;
  }
  if (plan.length === 0) throw new UsageError("nothing to forward (the list is empty, or --only matched nothing)");
  requireKubectl(args.plan.kubectl ?? "kubectl");

  const stop = new AbortController();
  const onSignal = () => {
    console.log("forward: stopping port-forwards");
    stop.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  for (const p of plan) console.log(`forward: ${p.spec.name.padEnd(22)} ${p.spec.url}  ->  ${p.spec.namespace}/${p.spec.resource}:${p.spec.targetPort}`);
  // A watch that cannot run (RBAC, an old kubectl) leaves the forwards to kubectl's own choice of pod.
  const pods = followPods([...new Set(plan.map((p) => p.spec.namespace))], args.plan.kubectl ?? "kubectl", args.plan.context);
  try {
    await supervise(plan, { signal: stop.signal, log: (l) => console.log(l), follow: pods.follow });
  } finally {
    pods.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`forward: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
