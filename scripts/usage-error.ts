/**
 * A problem with what a user command was given (flags, files, the stack it reads): its entry point
 * prints the message, never a stack trace.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
