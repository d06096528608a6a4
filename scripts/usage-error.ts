/** A command-line mistake: the entry point prints the message (and the usage), never a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}
