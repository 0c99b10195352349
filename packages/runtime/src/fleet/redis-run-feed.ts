import { EventEmitter } from "node:events";
import type { Run } from "@lgrs/db";
import { watchEmitter, type RunFeed } from "../runs/run-feed.ts";
import type { RedisConnection } from "./redis.ts";

// JSON carries dates as ISO strings: these become Dates again on receipt
const DATE_FIELDS = ["createdAt", "updatedAt", "startedAt", "endedAt", "notBefore", "rolledBackAt", "leaseExpiresAt"] as const;

/** A Run as it was published (JSON.stringify), with its dates revived. */
export function reviveRun(json: string): Run {
  const run = JSON.parse(json) as Record<string, unknown>;
  for (const name of DATE_FIELDS) {
    const value = run[name];
    if (typeof value === "string") run[name] = new Date(value);
  }
  return run as unknown as Run;
}

export interface RedisRunFeedOptions {
  logError?: (err: unknown) => void;
}

/**
 * The runs feed of a fleet: every change is PUBLISHed and comes back to every
 * member through its one subscription, this one included. Local listeners hear
 * only what comes back from Redis, never the local emit directly, so each hears
 * each change exactly once, in the order Redis delivered it.
 */
export class RedisRunFeed implements RunFeed {
  private readonly emitter = new EventEmitter();
  private readonly channel: string;
  private readonly logError: (err: unknown) => void;
  private readonly subscribed: Promise<void>;
  private publishFailing = false;
  private closed = false;

  constructor(
    private readonly conn: RedisConnection,
    options: RedisRunFeedOptions = {},
  ) {
    // one listener per waiting caller or watching client: no fixed limit applies
    this.emitter.setMaxListeners(0);
    this.channel = `${conn.prefix}feed`;
    this.logError = options.logError ?? ((err) => console.error("run feed:", err));
    const subscriber = conn.subscriber();
    subscriber.on("message", this.onMessage);
    // ioredis subscribes again by itself after a reconnection
    this.subscribed = subscriber.subscribe(this.channel).then(
      () => {},
      (err) => this.logError(err),
    );
  }

  /** Resolves once this member receives the feed (changes emitted earlier by others are not heard). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  emit(run: Run): void {
    if (this.closed) return;
    this.conn.client.publish(this.channel, JSON.stringify(run)).then(
      () => (this.publishFailing = false),
      (err) => {
        // one line per outage; listeners that need certainty (join) also look at the database
        if (this.publishFailing) return;
        this.publishFailing = true;
        this.logError(err);
      },
    );
  }

  subscribe(listener: (run: Run) => void): () => void {
    this.emitter.on("run", listener);
    return () => this.emitter.off("run", listener);
  }

  watch(signal: AbortSignal | undefined): AsyncIterable<Run> {
    return watchEmitter(this.emitter, "run", signal);
  }

  get listenerCount(): number {
    return this.emitter.listenerCount("run");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subscriber = this.conn.subscriber();
    subscriber.off("message", this.onMessage);
    this.emitter.removeAllListeners();
    await subscriber.unsubscribe(this.channel).catch(() => {});
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    let run: Run;
    try {
      run = reviveRun(message);
    } catch (err) {
      this.logError(err);
      return;
    }
    this.emitter.emit("run", run);
  };
}
