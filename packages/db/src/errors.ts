/**
 * A problem with the database settings or the database itself that must stop
 * start-up. The message is one line that says what is wrong and how to fix it;
 * callers print it as is, without a stack trace.
 */
export class DatabaseStartupError extends Error {
  override name = "DatabaseStartupError";
}
