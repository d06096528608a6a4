// Loaded into every test file's process by scripts/run-tests.mjs. After a test times out, Node 24
// keeps the file's process alive while anything (an interval, a socket) holds its event loop, so
// one hung file would stall the whole run. Past its time budget the file's process exits: its
// results so far are already reported, and the file fails.
import { setTimeout } from "node:timers";

const budgetMs = Number(process.env.RML_TEST_FILE_BUDGET_MS);
// Only in a test file's own process, never in the runner that starts them.
if (process.env.NODE_TEST_CONTEXT?.startsWith("child") && budgetMs > 0) {
  setTimeout(() => {
    console.error(`test file still running after ${budgetMs} ms (its time budget): exiting`);
    process.exit(1);
  }, budgetMs).unref();
}
