/**
 * What a test sees when a program is not there: one line (no stack) saying what to install when
 * the machine lacks a prerequisite, or what to run when set-up has not run yet.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { programPath } from "./index";
import { missingGo } from "./prometheus";

const empty = mkdtempSync(join(tmpdir(), "rml-programs-empty-"));
after(() => rmSync(empty, { recursive: true, force: true }));

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error");
}

test("not set up yet: one line naming the command that sets it up", () => {
  const e = errorOf(() => programPath("promtool", { ...process.env, RELAYMINER_PROGRAMS_DIR: empty }));
  assert.equal(e.message, "promtool is not set up yet: run npm test (its set-up step provisions it) or npm run test:setup");
  assert.equal(e.stack, e.message, "no stack trace for a missing program");
});

test("no Go, or too old a Go: one line naming the version to install", () => {
  assert.match(missingGo("1.26.5", { PATH: empty }) ?? "", /^go is not on PATH: prometheus and promtool are built from the Go module proxy; install Go 1\.26\.5 or newer/);
  assert.match(missingGo("99.0.0") ?? "", /^go 1\.\d+\.\d+ is older than 99\.0\.0: install Go 99\.0\.0 or newer/);
  assert.equal(missingGo("1.0.0"), undefined);
});

test("an override that names nothing is an error naming it", () => {
  const e = errorOf(() => programPath("redis-server", { ...process.env, RELAYMINER_REDIS_SERVER: join(empty, "nope") }));
  assert.equal(e.message, `redis-server: the override names ${join(empty, "nope")}, which does not exist`);
});
