import { setTimeout as sleep } from "node:timers/promises";

/**
 * Reads until `done` holds of what was read, and returns that; fails after `timeoutMs`
 * naming `what` and the last value. For what a server does on its own time (cron ticks,
 * TTL sweeps).
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, everyMs = 200 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(everyMs);
  }
}
