import { pino, stdSerializers, type Logger } from "pino";
import type { LogLevel } from "./observe-config.ts";

export type { Logger };

/**
 * What a log must never carry: credentials in headers, and fields named like
 * secrets wherever they appear (one level deep, and two for headers).
 */
const REDACT = [
  "authorization",
  "cookie",
  "x-api-key",
  "apiKey",
  "password",
  "secret",
  "token",
  "*.authorization",
  "*.cookie",
  '*["x-api-key"]',
  '*["set-cookie"]',
  "*.apiKey",
  "*.api_key",
  "*.password",
  "*.secret",
  "*.token",
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["x-api-key"]',
];

/** Our API keys (lgrs_...) and bearer tokens, wherever free text carries one (error messages). */
const KEY_LIKE = /\blgrs_[A-Za-z0-9_-]{8,}|\b(Bearer\s+)[^\s"',;]+/gi;

export function scrub(text: string): string {
  return text.replace(KEY_LIKE, (_m, bearer: string | undefined) => (bearer ? `${bearer}[redacted]` : "lgrs_[redacted]"));
}

/**
 * The process's logger: JSON lines on stdout, or readable lines when stdout is a
 * terminal (pino-pretty, in pino's worker thread, loaded only then). A level that
 * is off costs a no-op call: pino replaces the method.
 */
export function createLogger(level: LogLevel, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: {
      err: (err: Error) => {
        const out = stdSerializers.err(err);
        out.message = scrub(out.message);
        if (out.stack) out.stack = scrub(out.stack);
        return out;
      },
    },
    hooks: {
      // free text is scrubbed too: an error message can quote a header
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === "string") args[i] = scrub(args[i] as string);
        method.apply(this, args as Parameters<typeof method>);
      },
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  });
}

/** What the runtime and the doors call with an unexpected error: one error line, with its stack. */
export function errorLogger(logger: Logger, where: string): (err: unknown) => void {
  return (err) => logger.error({ err }, `${where}: ${err instanceof Error ? err.message : String(err)}`);
}
