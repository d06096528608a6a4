import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { renderPulumiYaml, renderReadme } from "./docs-config";
import { leafFields } from "../components/config/introspect";
import { localnetSchema } from "../components/config/schema";

const root = join(__dirname, "..");

test("README's configuration reference is generated from the schema and up to date", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.equal(readme, renderReadme(readme), "run npm run docs:config");
  for (const f of leafFields(localnetSchema)) assert.ok(readme.includes(`| \`${f.key}\` |`), `README documents ${f.key}`);
});

test("Pulumi.yaml declares every top-level key with type, default and description", () => {
  const text = readFileSync(join(root, "Pulumi.yaml"), "utf8");
  assert.equal(text, renderPulumiYaml(text), "run npm run docs:config");
  const doc = parse(text);
  assert.equal(doc.name, "relayminer-localnet");
  assert.match(doc.backend.url, /^file:\/\//);
  const defaults = localnetSchema.parse({});
  for (const key of Object.keys(defaults)) {
    const entry = doc.config[key];
    assert.ok(entry?.type && entry?.description, `Pulumi.yaml config.${key}`);
    assert.deepEqual(entry.default, (defaults as Record<string, unknown>)[key], `default of ${key}`);
  }
});

test("README links straight to every provisioned dashboard", async () => {
  const { dashboardList, dashboardUrl } = await import("../dashboards");
  const readme = readFileSync(join(root, "README.md"), "utf8");
  for (const d of dashboardList) assert.ok(readme.includes(dashboardUrl("http://127.0.0.1:3000", d.uid)), `README links ${d.title}`);
});
