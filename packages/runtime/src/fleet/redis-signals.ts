import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { CANCEL_ACTIONS, type CancelAction } from "../enums.ts";
import type { RedisConnection } from "./redis.ts";
import type { FleetSignals } from "./signals.ts";

export interface RedisSignalsOptions {
  logError?: (err: unknown) => void;
}

/**
 * Wake-ups and cancel requests over Redis pub/sub, on the process's one
 * subscriber connection. Messages are fire-and-forget: each signal is also
 * written in PostgreSQL, and after a lost connection `onReconnect` tells the
 * listeners to look there for what they may have missed.
 */
export class RedisFleetSignals implements FleetSignals {
  private readonly emitter = new EventEmitter();
  private readonly wakeChannel: string;
  private readonly cancelChannel: string;
  private readonly logError: (err: unknown) => void;
  private readonly subscribed: Promise<void>;
  /** sent with this member's wake-ups, so it does not wake itself: it looks at the queue when it sends one */
  private readonly origin = randomUUID();
  private publishFailing = false;
  private lost = false;
  private closed = false;

  constructor(
    private readonly conn: RedisConnection,
    options: RedisSignalsOptions = {},
  ) {
    this.emitter.setMaxListeners(0);
    this.wakeChannel = `${conn.prefix}wake`;
    this.cancelChannel = `${conn.prefix}cancel`;
    this.logError = options.logError ?? ((err) => console.error("fleet signals:", err));
    const subscriber = conn.subscriber();
    subscriber.on("message", this.onMessage);
    subscriber.on("reconnecting", this.onLost);
    subscriber.on("ready", this.onReady);
    this.subscribed = subscriber.subscribe(this.wakeChannel, this.cancelChannel).then(
      () => {},
      (err) => this.logError(err),
    );
  }

  /** Resolves once this member receives signals. */
  ready(): Promise<void> {
    return this.subscribed;
  }

  wake(): void {
    this.send(this.wakeChannel, this.origin);
  }

  onWake(listener: () => void): () => void {
    return this.listen("wake", listener);
  }

  cancel(runId: string, action: CancelAction): void {
    this.send(this.cancelChannel, JSON.stringify({ runId, action }));
  }

  onCancel(listener: (runId: string, action: CancelAction) => void): () => void {
    return this.listen("cancel", listener);
  }

  onReconnect(listener: () => void): () => void {
    return this.listen("reconnect", listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subscriber = this.conn.subscriber();
    subscriber.off("message", this.onMessage);
    subscriber.off("reconnecting", this.onLost);
    subscriber.off("ready", this.onReady);
    this.emitter.removeAllListeners();
    await subscriber.unsubscribe(this.wakeChannel, this.cancelChannel).catch(() => {});
  }

  private listen<Args extends unknown[]>(event: string, listener: (...args: Args) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private send(channel: string, message: string): void {
    if (this.closed) return;
    this.conn.client.publish(channel, message).then(
      () => (this.publishFailing = false),
      (err) => {
        if (this.publishFailing) return;
        this.publishFailing = true;
        this.logError(err);
      },
    );
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.wakeChannel) {
      if (message !== this.origin) this.emitter.emit("wake");
    } else if (channel === this.cancelChannel) {
      const request = parseCancel(message);
      if (request) this.emitter.emit("cancel", request.runId, request.action);
      else this.logError(new Error(`fleet signals: ignored a malformed cancel request: ${message.slice(0, 200)}`));
    }
  };

  private readonly onLost = (): void => {
    this.lost = true;
  };

  private readonly onReady = (): void => {
    if (!this.lost) return;
    this.lost = false;
    // ioredis sends the SUBSCRIBE again before "ready" reaches us; a PING queued behind
    // it answers once it is in force, so listeners that look again miss nothing after
    this.conn
      .subscriber()
      .ping()
      .then(
        () => this.emitter.emit("reconnect"),
        () => {}, // lost again: the next "ready" tries again
      );
  };
}

function parseCancel(message: string): { runId: string; action: CancelAction } | undefined {
  try {
    const { runId, action } = JSON.parse(message) as { runId?: unknown; action?: unknown };
    if (typeof runId === "string" && CANCEL_ACTIONS.includes(action as CancelAction)) return { runId, action: action as CancelAction };
  } catch {
    // malformed: reported by the caller
  }
  return undefined;
}
