/** Readers of what a mock program run rendered: pod specs, containers, env and rendered files. */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { k, type ProgramRun } from "./mock-program";

type Rendered = { inputs: Record<string, any> };

export const podSpec = (r: Rendered) => r.inputs.spec.template.spec;

export const container = (r: Rendered, name: string) => {
  const c = podSpec(r).containers.find((x: { name: string }) => x.name === name);
  assert.ok(c, `container ${name} missing`);
  return c;
};

export const envOf = (c: { env?: { name: string; value: string }[] }): Record<string, string> => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

/** The config.yaml of a rendered ConfigMap, parsed. */
export const configYaml = (run: ProgramRun, name: string) => parse(run.named(k.configMap, name).inputs.data["config.yaml"]);

export const genesisOf = (run: ProgramRun) => JSON.parse(run.named(k.configMap, "validator-genesis").inputs.data["genesis.json"]);
