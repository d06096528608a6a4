/**
 * The Tiltfile, evaluated for real as Starlark by scripts/tiltfile-check/check.py (Tilt's
 * built-ins replaced by recorders), with the Starlark venv `npm test`'s set-up step provisions
 * (or TILTFILE_PYTHON pointing at a python3 that has the `starlark` module).
 */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { program } from "../test/support/programs";

const root = join(__dirname, "..");
const checker = join(root, "scripts/tiltfile-check/check.py");

interface Report {
  tiltfile: string;
  passed: number;
  failed: number;
  scenarios: { name: string; ok: boolean; failures: string[]; record: { resources: { name: string; deps: string[]; links: unknown[] }[]; local: { command: string }[] } | null }[];
}

function python(): string {
  return program("starlark-python");
}

function check(tiltfile?: string): { code: number | null; report: Report; stderr: string } {
  const r = spawnSync(python(), [checker, ...(tiltfile ? [tiltfile] : [])], { cwd: root, encoding: "utf8", timeout: 30_000 });
  if (r.status === 2) assert.fail(`the Tiltfile checker could not run: ${r.stderr.trim()} (npm run test:setup provisions its venv)`);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    assert.fail(`checker printed no JSON (exit ${r.status}): ${r.stdout}${r.stderr}`);
  }
  return { code: r.status, report, stderr: r.stderr };
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("Tiltfile", () => {
  test("every scenario passes: resources, commands, deps, links, tilt down", () => {
    const { code, report } = check();
    const failures = report.scenarios.filter((s) => !s.ok).map((s) => `${s.name}: ${s.failures.join("; ")}`);
    assert.deepEqual(failures, []);
    assert.equal(code, 0);
    assert.equal(report.tiltfile, "Tiltfile");
    assert.equal(report.passed, 6);
  });

  test("the report carries what the Tiltfile declared", () => {
    const { report } = check();
    const deployed = report.scenarios.find((s) => s.name.startsWith("deployed stack"));
    const resources = deployed?.record?.resources ?? [];
    assert.deepEqual(resources.map((r) => r.name).slice(0, 2), ["localnet", "port-forwards"]);
    assert.deepEqual(resources.map((r) => r.name).slice(2), [
      "chaos kill-leader",
      "chaos kill-miner",
      "chaos kill-relayer",
      "chaos pause-redis 10",
      "chaos restart-validator",
      "verify",
    ]);
    assert.ok(resources[0].deps.includes("../pocket-relay-miner"));
    assert.equal(resources[1].links.length, 4);
    const down = report.scenarios.find((s) => s.name === "tilt down");
    assert.ok(down?.record?.local.some((c) => c.command === "pulumi destroy --stack local --yes --skip-preview"));
  });

  test("the checker catches a Tiltfile that forgets `tilt down` and a source dir", () => {
    const dir = mkdtempSync(join(tmpdir(), "rml-tilt-"));
    dirs.push(dir);
    const broken = readFileSync(join(root, "Tiltfile"), "utf8")
      .replace(/\nif config\.tilt_subcommand == 'down':\n[^\n]*\n/, "\n")
      .replace("'genesis', ", "");
    const file = join(dir, "Tiltfile");
    writeFileSync(file, broken);
    const { code, report } = check(file);
    assert.equal(code, 1);
    const all = report.scenarios.flatMap((s) => s.failures).join("\n");
    assert.match(all, /tilt down runs pulumi destroy once: got \[\]/);
    assert.match(all, /localnet deps include genesis/);
  });
});
