import { Redis, type RedisOptions } from "ioredis";

/**
 * The Redis of a fleet: one command connection shared by everything in the
 * process, one pub/sub connection (a subscribed connection cannot run other
 * commands), and a connection of its own for each blocking read. All keys and
 * channels start with `prefix`, so several fleets (or tests) can share a server.
 */
export interface RedisConnection {
  /** the URL without its password, for printing */
  readonly url: string;
  readonly prefix: string;
  /** commands (ioredis) */
  readonly client: Redis;
  /** the process's one pub/sub connection (created on first use) */
  subscriber(): Redis;
  /**
   * A connection of its own for blocking reads (XREAD BLOCK); the caller
   * disconnects it. A command in flight when the connection drops fails at once
   * (instead of being sent again after the reconnection), so the caller learns
   * that it may have missed something; the connection itself reconnects.
   */
  blocking(): Redis;
  /** Round trip of a PING; never throws, and answers within about a second even when Redis is down. */
  ping(): Promise<RedisHealth>;
  /** Sends what is queued, then closes every connection made here. */
  close(): Promise<void>;
}

export interface RedisHealth {
  reachable: boolean;
  latencyMs?: number;
  error?: string;
}

export interface ConnectRedisOptions {
  /** start of every key and channel (default "lgrs:") */
  keyPrefix?: string;
  /** how long the first connection may take before start-up fails (default 3000 ms) */
  connectTimeoutMs?: number;
  /** where lost and recovered connections are reported (one line each time; default console.error) */
  log?: (message: string) => void;
}

/** Redis could not be reached at start-up: `message` is one line telling the operator what to do. */
export class RedisStartupError extends Error {
  override name = "RedisStartupError";
}

const PING_TIMEOUT_MS = 1000;
// a restarted Redis is found again within this delay (ioredis' default waits up to 5 s)
const MAX_RECONNECT_DELAY_MS = 2000;

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`; unparsable input is not echoed back. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid Redis URL)";
  }
}

/** scheme://host:port, what the start-up error names (no credentials, no database). */
function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || "6379"}`;
  } catch {
    return "(invalid Redis URL)";
  }
}

/**
 * Connects, failing fast (RedisStartupError) when Redis cannot be reached now: a
 * fleet member must not start without it. Once connected, every connection
 * reconnects forever, so a Redis restart mid-run is survived.
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<RedisConnection> {
  const log = options.log ?? ((message) => console.error(message));
  let started = false;
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    // no retry before the first success (start-up fails at once), then forever
    retryStrategy: (times) => (started ? Math.min(50 * 2 ** (times - 1), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100) : null),
    connectionName: "lgrs",
  };
  const client = new Redis(url, redisOptions);
  // connect() only says "Connection is closed."; the error event has the cause
  let lastError: (Error & { code?: string }) | undefined;
  client.on("error", (err) => (lastError = err));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const cause = lastError ?? (err as Error & { code?: string });
    const reason = cause.code ?? cause.message;
    throw new RedisStartupError(`Redis at ${serverOf(url)} is not reachable (${reason}): start it or fix REDIS_URL.`);
  }
  started = true;
  watchHealth(client, "commands", log);

  let subscriber: Redis | undefined;
  const blockingReaders = new Set<Redis>();
  const prefix = options.keyPrefix ?? "lgrs:";
  return {
    url: redactRedisUrl(url),
    prefix,
    client,
    subscriber() {
      if (!subscriber) {
        subscriber = client.duplicate({ connectionName: "lgrs-sub", lazyConnect: false });
        watchHealth(subscriber, "pub/sub", log);
      }
      return subscriber;
    },
    blocking() {
      const reader = client.duplicate({
        connectionName: "lgrs-read",
        lazyConnect: false,
        maxRetriesPerRequest: 0,
        // a read on a silently dead connection (network partition) resolves empty a little after its BLOCK time
        blockingTimeout: 1000,
      });
      // read errors reach the reader through its commands; the event only needs a listener
      reader.on("error", () => {});
      blockingReaders.add(reader);
      reader.once("end", () => blockingReaders.delete(reader));
      return reader;
    },
    async ping() {
      if (client.status !== "ready") return { reachable: false, error: lastError?.message ?? `connection ${client.status}` };
      const start = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([client.ping(), timeout]);
        return { reachable: true, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
      } catch (err) {
        return { reachable: false, error: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      for (const reader of blockingReaders) reader.disconnect();
      await Promise.all([quit(client), subscriber ? quit(subscriber) : undefined]);
    },
  };
}

/** QUIT lets queued commands (fire-and-forget writes) go out first; a dead connection is just dropped. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status !== "ready") return redis.disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([redis.quit().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
  redis.disconnect();
}

/** One line when a connection is lost (not one per reconnection attempt), one when it is back. */
function watchHealth(redis: Redis, role: string, log: (message: string) => void): void {
  let lost = false;
  let lastError = "connection closed";
  redis.on("error", (err: Error) => (lastError = err.message));
  // emitted only when ioredis is about to try again: not on quit
  redis.on("reconnecting", () => {
    if (lost) return;
    lost = true;
    log(`redis: ${role} connection lost (${lastError}); reconnecting`);
  });
  redis.on("ready", () => {
    if (!lost) return;
    lost = false;
    lastError = "connection closed";
    log(`redis: ${role} connection back`);
  });
}
