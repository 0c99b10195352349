/**
 * A setting that stops start-up. The message is one line saying what is wrong
 * and how to fix it; server.ts prints it as `error: <message>`, without a stack.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}
