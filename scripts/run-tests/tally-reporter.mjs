// A test reporter for the unit tier's shared processes (group-entry.mjs): one line per file in
// RML_TEST_GROUP_LOG, with its outcome and its tests' counts, written as it happens, so the runner
// can count a group's results even when its process ends before Node prints its own summary.
import { appendFileSync } from "node:fs";

const log = process.env.RML_TEST_GROUP_LOG;

// Node takes a reporter as an async generator; this one writes each line at once rather than
// yielding it to a stream, so that a process killed mid-run loses none.
// eslint-disable-next-line require-yield
export default async function* tally(source) {
  // Files run one after another, and a file's tests are reported before its own suite.
  let counts = { pass: 0, fail: 0, skip: 0 };
  for await (const event of source) {
    if (!log || (event.type !== "test:pass" && event.type !== "test:fail")) continue;
    const { nesting, name, skip, todo, details } = event.data;
    if (nesting === 0) {
      // A file's own suite.
      const outcome = event.type === "test:fail" ? "fail" : "pass";
      appendFileSync(log, `file-${outcome} ${JSON.stringify({ file: name, ...counts })}\n`);
      counts = { pass: 0, fail: 0, skip: 0 };
    } else if (details?.type !== "suite") {
      counts[event.type === "test:fail" ? "fail" : skip || todo ? "skip" : "pass"]++;
    }
  }
}
