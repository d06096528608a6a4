/**
 * The process guard: an exception or rejection that no handler caught is logged and the process
 * goes on serving (a child process that throws on purpose, then answers a request).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const guard = join(__dirname, "..", "src", "guard.ts");
const log = join(__dirname, "..", "src", "log.ts");

test("an uncaught exception and an unhandled rejection are logged; the server still answers", { timeout: 30_000 }, async () => {
  const script = join(mkdtempSync(join(tmpdir(), "backend-guard-")), "throws.ts");
  writeFileSync(
    script,
    `import { createServer } from "node:http";
import { installProcessGuard } from ${JSON.stringify(guard)};
import { createLogger } from ${JSON.stringify(log)};
installProcessGuard(createLogger("error"));
const server = createServer((_req, res) => res.end("still here"));
server.listen(0, "127.0.0.1", () => {
  setTimeout(() => { throw new Error("boom from a timer"); }, 10);
  setTimeout(() => void Promise.reject(new Error("boom from a promise")), 20);
  setTimeout(() => process.stdout.write(String((server.address() as { port: number }).port) + "\\n"), 100);
});
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  try {
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const r = await fetch(`http://127.0.0.1:${Number(line.toString().trim())}/`);
    assert.equal(await r.text(), "still here");
    assert.equal(child.exitCode, null);
    const lines = stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.msg, l.kind, l.error]),
      [
        ["uncaught error; still serving", "exception", "boom from a timer"],
        ["uncaught error; still serving", "rejection", "boom from a promise"],
      ],
    );
  } finally {
    child.kill("SIGKILL");
  }
});
