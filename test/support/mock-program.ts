/**
 * Runs the localnet under Pulumi's mocks with a given stack config and records what it registers:
 * every resource with its inputs, and (through a transformation, since mocks report neither) each
 * resource's parent and dependsOn.
 */
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { parseStackConfig } from "../../components/config/load";
import type { RelayMinerLocalnet } from "../../components/localnet";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
}

export interface Captured {
  type: string;
  name: string;
  parent?: string;
  dependsOn: string[];
}

export interface ProgramRun {
  resources: Registered[];
  captured: Captured[];
  /** The component, for its children and outputs. */
  localnet: RelayMinerLocalnet;
  /** The component's outputs (the stack outputs of index.ts), loosely typed for assertions. */
  outputs: Record<string, any>;
  ofType(type: string): Registered[];
  named(type: string, metadataName: string): Registered;
}

export const projectDir = join(__dirname, "..", "..");
const P = "relayminer-localnet:";

const nameOf = (r: unknown): string => (r as { __name?: string }).__name ?? "?";

async function flatten(deps: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined): Promise<pulumi.Resource[]> {
  if (!deps) return [];
  const value = await new Promise<unknown>((resolve) => {
    pulumi.output(deps as pulumi.Input<unknown[]>).apply((v) => resolve(v));
  });
  return (Array.isArray(value) ? value : [value]) as pulumi.Resource[];
}

/** Resolves when no new resource has been registered for a short while. */
export async function settle(count: () => number): Promise<void> {
  let last = -1;
  while (last !== count()) {
    last = count();
    await new Promise((r) => setTimeout(r, 60));
  }
}

/**
 * Runs a program with source-mapped stack traces off. Pulumi records a stack trace for every
 * resource and every output promise, and mapping each one through the transpiler's source maps
 * costs about a quarter of a mock run; nothing reads those traces under mocks. An error the
 * program throws still gets a mapped trace when it is printed: V8 formats a stack when it is
 * first read, after this has switched the maps back on. Modules first loaded inside `run` get no
 * source map, so the caller loads the program's modules before.
 */
export async function withoutSourceMaps<T>(run: () => Promise<T>): Promise<T> {
  const enabled = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    return await run();
  } finally {
    process.setSourceMapsEnabled(enabled);
  }
}

/** Pulumi's mocks, recording every registered resource in `resources`. */
export function setRecordingMocks(resources: Registered[]): Promise<void> {
  return pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, any>;
        // Provider-side auto-naming does not run under mocks: fill names the way it would.
        const metadata = inputs.metadata ? { ...inputs.metadata, name: inputs.metadata.name ?? `${args.name}-mock` } : undefined;
        resources.push({ type: args.type, name: args.name, inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: { ...inputs, ...(metadata ? { metadata } : {}) } };
      },
      call: (args) => args.inputs,
    },
    "relayminer-localnet",
    "test",
    false,
  );
}

/** Sets the stack config; keys are written without the project prefix, e.g. { "relayer.count": "5" }. */
export function setStackConfig(config: Record<string, string>): Record<string, string> {
  const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${P}${k}`, v]));
  pulumi.runtime.setAllConfig(raw);
  return raw;
}

let lastTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` when every earlier caller's turn has ended. Pulumi's mocks and stack config are one
 * per process, so two programs at once (the async suites of several files sharing a process)
 * would record each other's resources.
 */
export function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const turn = lastTurn.then(fn);
  lastTurn = turn.catch(() => undefined);
  return turn;
}

/** `config` keys are written without the project prefix, e.g. { "relayer.count": "5" }. */
export function runProgram(config: Record<string, string> = {}): Promise<ProgramRun> {
  return inTurn(() => runAlone(config));
}

async function runAlone(config: Record<string, string>): Promise<ProgramRun> {
  const resources: Registered[] = [];
  const pending: Promise<Captured>[] = [];
  await setRecordingMocks(resources);
  const raw = setStackConfig(config);
  const { RelayMinerLocalnet } = await import("../../components/localnet");
  const capture: pulumi.ResourceTransformation = (args) => {
    pending.push(
      flatten(args.opts.dependsOn).then((deps) => ({
        type: args.type,
        name: args.name,
        parent: args.opts.parent ? nameOf(args.opts.parent) : undefined,
        dependsOn: deps.map(nameOf),
      })),
    );
    return undefined;
  };
  const parsed = parseStackConfig(raw, { projectDir });
  const { localnet, captured } = await withoutSourceMaps(async () => {
    const localnet = new RelayMinerLocalnet("localnet", { ...parsed, projectDir }, { transformations: [capture] });
    await settle(() => resources.length);
    return { localnet, captured: await Promise.all(pending) };
  });
  return {
    resources,
    captured,
    localnet,
    outputs: localnet.outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(type, metadataName) {
      const found = resources.find((r) => r.type === type && r.inputs.metadata?.name === metadataName);
      if (!found)
        throw new Error(
          `no ${type} named ${metadataName}; have ${resources
            .filter((r) => r.type === type)
            .map((r) => r.inputs.metadata?.name)
            .join(", ")}`,
        );
      return found;
    },
  };
}

const sharedRuns = new Map<string, Promise<ProgramRun>>();

/**
 * One run per config for the whole test file, for tests that only read what it registered: each
 * run is a few hundred milliseconds of CPU. A test that edits module state before a run, or that needs
 * the program's own objects fresh, calls runProgram.
 */
export function sharedRun(config: Record<string, string> = {}): Promise<ProgramRun> {
  const key = JSON.stringify(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
  let run = sharedRuns.get(key);
  if (!run) {
    run = runProgram(config);
    sharedRuns.set(key, run);
  }
  return run;
}

/** Pulumi's marker for a secret value in serialized inputs. */
const secretSig = "4dabf18193072939515e22adb298388d";

export function isSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && secretSig in v;
}

/** The plain value of a possibly-secret serialized input. */
export function unsecret<T>(v: unknown): T {
  return (isSecret(v) ? (v as { value: T }).value : v) as T;
}

export const k = {
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  job: "kubernetes:batch/v1:Job",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  namespace: "kubernetes:core/v1:Namespace",
};
