/** The source tree's imports keep the one direction docs/design.md describes. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { folderCycles, folderOf, importEdges, ruleViolations, sourceFiles, type ImportEdge } from "./support/import-graph";

const root = join(__dirname, "..");

describe("import graph", () => {
  const files = sourceFiles(root);
  const edges = importEdges(root, files);

  test("sees the whole tree", () => {
    const folders = new Set(files.map(folderOf));
    for (const f of ["index.ts", "components/localnet", "components/redis", "genesis", "dashboards", "services/backend", "scripts", "test", "examples"]) {
      assert.ok(folders.has(f), `no files found in ${f}`);
    }
    assert.ok(edges.length > 300, `only ${edges.length} imports found`);
  });

  test("every import follows the folder rules", () => {
    const violations = ruleViolations(edges);
    assert.deepEqual(violations, [], `imports against the rules:\n  ${violations.join("\n  ")}`);
  });

  test("no two folders import each other, directly or around a loop", () => {
    const cycles = folderCycles(edges);
    assert.deepEqual(cycles, [], `folder loops:\n  ${cycles.map((c) => c.join(" ⇄ ")).join("\n  ")}`);
  });

  test("the checks catch a back-import, a part importing a part, a deep import of the backend, and a loop", () => {
    const edge = (file: string, target: string): ImportEdge => ({ file, target, line: 1 });
    const bad = [
      edge("genesis/build.ts", "components/topology/names.ts"),
      edge("components/redis/redis.ts", "components/validator/validator.ts"),
      edge("components/config/rules.ts", "services/backend/src/config.ts"),
    ];
    assert.equal(ruleViolations(bad).length, 3);
    assert.match(ruleViolations(bad)[0], /^genesis\/build\.ts:1 → components\/topology\/names\.ts \(genesis may import nothing outside itself\)$/);
    const loop = [edge("components/topology/ports.ts", "components/k8s/objects.ts"), edge("components/k8s/objects.ts", "components/topology/names.ts")];
    assert.deepEqual(folderCycles(loop), [["components/k8s", "components/topology"]]);
  });
});
