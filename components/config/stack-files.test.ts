/** The committed stack files parse with the real config parser: no unknown keys, no rule broken. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseStackConfig } from "./load";

const root = join(__dirname, "..", "..");

/** A stack file's config as Pulumi hands it to the program: objects as JSON, scalars as strings. */
function rawConfigOf(file: string): Record<string, string> {
  const doc = parse(readFileSync(join(root, file), "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v as string | number | boolean)]));
}

test("Pulumi.local.yaml is a valid stack config (seed topology)", () => {
  const c = parseStackConfig(rawConfigOf("Pulumi.local.yaml"), { projectDir: root });
  assert.equal(c.relayer.count, 2);
  assert.equal(c.miner.count, 2);
});

test("Pulumi.shared-example.yaml points the same program at a shared cluster", () => {
  const c = parseStackConfig(rawConfigOf("Pulumi.shared-example.yaml"), { projectDir: root });
  assert.equal(c.kube.context, "team-dev-cluster");
  assert.equal(c.kube.storageClass, "gp3");
  assert.equal(c.build.registry, "registry.example.internal/relayminer");
  assert.equal(c.redis.mode, "cluster");
  assert.equal(c.validator.keepState, true);
});
