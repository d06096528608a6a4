/**
 * What a rendered topology asks the scheduler for: the CPU and memory requests of every pod the
 * program's workloads make (a pod requests the larger of its containers' sum and its largest init
 * container), per workload and in total, from the program run under mocks.
 */
import { runProgram, k, type Registered } from "./mock-program";

/** millicores of a CPU quantity ("50m", "2", "0.5"). */
export function milliCpu(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const s = String(q);
  return s.endsWith("m") ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
}

/** MiB of a memory quantity ("128Mi", "1Gi", "512M"). */
export function mebibytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1 / 1048576);
}

interface Container {
  name: string;
  resources?: { requests?: { cpu?: string; memory?: string } };
}

export interface WorkloadFootprint {
  kind: "Deployment" | "StatefulSet" | "Job";
  name: string;
  replicas: number;
  /** Requests of one pod. */
  cpuMilli: number;
  memoryMiB: number;
  /** A Deployment that rolls by surging starts one extra pod before an old one stops. */
  surges: boolean;
}

function podRequests(spec: { containers: Container[]; initContainers?: Container[] }): { cpu: number; mem: number } {
  const sum = (cs: Container[], f: (c: Container) => number) => cs.reduce((a, c) => a + f(c), 0);
  const max = (cs: Container[], f: (c: Container) => number) => cs.reduce((a, c) => Math.max(a, f(c)), 0);
  const cpu = (c: Container) => milliCpu(c.resources?.requests?.cpu);
  const mem = (c: Container) => mebibytes(c.resources?.requests?.memory);
  const init = spec.initContainers ?? [];
  return { cpu: Math.max(sum(spec.containers, cpu), max(init, cpu)), mem: Math.max(sum(spec.containers, mem), max(init, mem)) };
}

function footprintOf(kind: WorkloadFootprint["kind"], r: Registered): WorkloadFootprint {
  const spec = r.inputs.spec;
  const { cpu, mem } = podRequests(spec.template.spec);
  const replicas = kind === "Job" ? 1 : (spec.replicas ?? 1);
  const surges = kind === "Deployment" && spec.strategy?.type !== "Recreate";
  return { kind, name: r.inputs.metadata.name, replicas, cpuMilli: cpu, memoryMiB: mem, surges };
}

/** Every workload of a topology (stack config keys without the project prefix). */
export async function topologyFootprint(config: Record<string, string>): Promise<WorkloadFootprint[]> {
  const run = await runProgram(config);
  return [
    ...run.ofType(k.statefulSet).map((r) => footprintOf("StatefulSet", r)),
    ...run.ofType(k.deployment).map((r) => footprintOf("Deployment", r)),
    ...run.ofType(k.job).map((r) => footprintOf("Job", r)),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

export interface Totals {
  cpuMilli: number;
  memoryMiB: number;
  /** Requests of one extra pod of every surging Deployment (all rolling at once). */
  surgeCpuMilli: number;
}

export function totals(ws: WorkloadFootprint[]): Totals {
  return {
    cpuMilli: ws.reduce((a, w) => a + w.replicas * w.cpuMilli, 0),
    memoryMiB: ws.reduce((a, w) => a + w.replicas * w.memoryMiB, 0),
    surgeCpuMilli: ws.filter((w) => w.surges).reduce((a, w) => a + w.cpuMilli, 0),
  };
}
