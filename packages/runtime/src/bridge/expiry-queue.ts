import { AsyncResource } from "node:async_hooks";

/**
 * Keys that expire a fixed delay after they were added, all freed by one timer.
 *
 * Why not a timer per key: Node copies every AsyncLocalStorage store into each
 * Timeout it makes, so a timer set while a request is being answered (a run ends
 * inside the request that streams it) keeps that request's whole context alive
 * until it fires: Next.js's per-request state, the response, its body streams and
 * gzip stream. With a 60 s retention under load that is every request of the last
 * minute, hundreds of MB. The one timer here is always set from the context the
 * queue was made in (the server's start-up), so it holds no request.
 *
 * Every key gets the same delay, so the order keys were added in is the order they
 * expire in, and a Map (which iterates in insertion order) is the queue.
 */
export class ExpiryQueue {
  /** key -> expiry time (performance.now() ms), oldest first */
  private readonly expiries = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** sets the timer from the constructor's async context, whoever calls add() */
  private readonly arm: (delayMs: number) => void;

  constructor(
    private readonly delayMs: number,
    private readonly onExpire: (key: string) => void,
    /** at most this many keys: adding one more expires the oldest at once */
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {
    this.arm = AsyncResource.bind((delay: number) => {
      this.timer = setTimeout(() => this.expire(), delay);
      this.timer.unref();
    });
  }

  /** Starts (or restarts) the key's delay. */
  add(key: string): void {
    this.expiries.delete(key);
    this.expiries.set(key, performance.now() + this.delayMs);
    if (this.expiries.size > this.maxKeys) {
      const oldest = this.expiries.keys().next().value!;
      this.expiries.delete(oldest);
      this.onExpire(oldest);
    }
    if (this.timer === undefined) this.arm(this.delayMs);
  }

  has(key: string): boolean {
    return this.expiries.has(key);
  }

  /** Forgets the key without calling onExpire (the timer, if any, simply finds nothing of it). */
  delete(key: string): void {
    this.expiries.delete(key);
  }

  get size(): number {
    return this.expiries.size;
  }

  /** Forgets every key and stops the timer (shutdown). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.expiries.clear();
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const [key, at] of this.expiries) {
      if (at > now) {
        // a timer may fire a fraction of a millisecond early by this clock: at least 1 ms
        this.arm(Math.max(1, Math.ceil(at - now)));
        return;
      }
      this.expiries.delete(key);
      this.onExpire(key);
    }
  }
}
