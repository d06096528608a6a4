// One process of the unit tier, running several test files (scripts/run-tests/groups.mjs starts
// it). Loading Node, tsx and Pulumi costs more CPU than most unit files themselves, so files share
// a process; each file is a suite named by its path, so every result says where it came from.
// Progress goes to RML_TEST_GROUP_LOG (beside tally-reporter.mjs's results), so that if the
// process dies the runner knows which file was running and which never ran. A file's timeout
// (RML_TEST_FILE_TIMEOUT_MS) is its suite's, which its tests inherit.
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe } from "node:test";
import { setTimeout } from "node:timers";

const root = fileURLToPath(new URL("../..", import.meta.url));
const files = JSON.parse(process.env.RML_TEST_GROUP_FILES ?? "[]");
const log = process.env.RML_TEST_GROUP_LOG;
const timeout = Number(process.env.RML_TEST_FILE_TIMEOUT_MS) || undefined;
const note = (event, file = "") => {
  if (log) appendFileSync(log, `${event} ${file}\n`);
};
const require = createRequire(join(root, "package.json"));

for (const file of files) {
  describe(file, { timeout }, () => {
    before(() => note("start", file));
    after(() => note("end", file));
    // Through tsx's require hook: the files are CommonJS (the package has no "type"), as when run alone.
    require(resolve(root, file));
  });
}

// An uncaught error (say, one a test causes after it has ended) fails its file when the file has
// a process of its own (Node exits non-zero); in a shared process Node mentions it only at the
// very end, which a timed-out file may keep from coming. The runner reruns the group's files.
const late = (error) => note("uncaught", JSON.stringify({ message: String(error?.message ?? error) }));
process.on("uncaughtException", late);
process.on("unhandledRejection", late);

after(() => {
  note("done");
  // A test that timed out may leave a timer or socket holding the process: every result is
  // reported by now, so the group ends shortly after instead of waiting for its watchdog.
  setTimeout(() => process.exit(), 2000).unref();
});
