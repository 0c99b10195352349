import type { RedisConnection } from "./redis.ts";
import { RedisFleetSignals } from "./redis-signals.ts";
import { RedisRunFeed } from "./redis-run-feed.ts";
import { RedisStreamBridge, type RedisBridgeOptions } from "./redis-stream-bridge.ts";

/** The bridge's options; `logError` also serves the feed and the signals. */
export type RedisFleetOptions = RedisBridgeOptions;

export interface RedisFleet {
  bridge: RedisStreamBridge;
  feed: RedisRunFeed;
  signals: RedisFleetSignals;
  /** Resolves once the feed and the signals are subscribed (messages published earlier are not received). */
  ready(): Promise<void>;
}

/**
 * The three fleet transports on one connection. Closing them is the runtime's
 * shutdown (bridge, feed, signals); the connection is closed after, by its owner.
 */
export function createRedisFleet(conn: RedisConnection, options: RedisFleetOptions): RedisFleet {
  const { logError } = options;
  const bridge = new RedisStreamBridge(conn, options);
  const feed = new RedisRunFeed(conn, { logError });
  const signals = new RedisFleetSignals(conn, { logError });
  return {
    bridge,
    feed,
    signals,
    ready: async () => {
      await Promise.all([feed.ready(), signals.ready()]);
    },
  };
}
