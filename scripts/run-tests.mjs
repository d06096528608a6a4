#!/usr/bin/env node
// Finds the test files of one tier and runs them with node's own test runner (through tsx).
// Tiers: "unit" = *.test.ts (no cluster, no Go binaries), "real" = *.real.test.ts (needs `npm run tools:build`),
// "pods" = *.pods.test.ts (a real node on this machine: root, Debian, `npm run tools:build`).
// Node 20's --test does not expand globs, so the file list is built here.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const tier = process.argv[2] ?? "unit";
const filters = process.argv.slice(3);
const skipDirs = new Set(["node_modules", ".git", ".pulumi", ".cache", ".tools", "bin", "out"]);

function walk(dir, found) {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(relative(root, path));
  }
  return found;
}

const tierOf = (f) => (f.endsWith(".real.test.ts") ? "real" : f.endsWith(".pods.test.ts") ? "pods" : "unit");
if (!["unit", "real", "pods"].includes(tier)) {
  console.error(`unknown tier "${tier}" (known: unit, real, pods)`);
  process.exit(2);
}
const files = walk(root, [])
  .filter((f) => f.endsWith(".test.ts"))
  .filter((f) => tierOf(f) === tier)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no ${tier} test files found${filters.length ? ` matching ${filters.join(", ")}` : ""}`);
  process.exit(1);
}

// A real node is one per machine: its test files run one after another.
const serial = tier === "pods" ? ["--test-concurrency=1"] : [];
const args = ["--import", "tsx", "--test", ...serial, "--test-reporter", "spec", ...files];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
