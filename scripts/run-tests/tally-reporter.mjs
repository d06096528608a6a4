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
  let firstFailure;
  for await (const event of source) {
    if (!log || (event.type !== "test:pass" && event.type !== "test:fail")) continue;
    const { nesting, name, skip, todo, details } = event.data;
    const failed = event.type === "test:fail";
    if (nesting === 0) {
      // A file's own suite: why it failed is its first failing test's, else its own (a timeout,
      // an error while loading), so the runner's closing list says it even if no summary came.
      const own = details?.error?.failureType === "subtestsFailed" ? undefined : firstLine(details?.error);
      const why = failed ? (firstFailure ?? own) : undefined;
      appendFileSync(log, `file-${failed ? "fail" : "pass"} ${JSON.stringify({ file: name, ...counts, why })}\n`);
      counts = { pass: 0, fail: 0, skip: 0 };
      firstFailure = undefined;
    } else if (details?.type !== "suite") {
      counts[failed ? "fail" : skip || todo ? "skip" : "pass"]++;
      if (failed && !firstFailure && details?.error?.failureType !== "cancelledByParent") firstFailure = `${name}: ${firstLine(details?.error)}`;
    }
  }
}

const firstLine = (error) => String(error?.message ?? "failed").split("\n")[0];
