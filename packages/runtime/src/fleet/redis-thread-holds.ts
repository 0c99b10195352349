import type { ThreadHolds } from "../runs/temporary-threads.ts";
import type { RedisConnection } from "./redis.ts";

// a waiter that died without releasing must not keep a temporary thread forever
const HOLD_TTL_MS = 60 * 60 * 1000;

/**
 * Holds on temporary threads, counted in Redis: a client waiting on one member
 * keeps a stateless run's thread from being deleted by the worker that ends the
 * run on another.
 */
export class RedisThreadHolds implements ThreadHolds {
  constructor(private readonly conn: RedisConnection) {}

  async acquire(threadId: string): Promise<void> {
    await this.conn.client.multi().incr(this.keyOf(threadId)).pexpire(this.keyOf(threadId), HOLD_TTL_MS).exec();
  }

  async release(threadId: string): Promise<number> {
    const left = await this.conn.client.decr(this.keyOf(threadId));
    if (left <= 0) await this.conn.client.del(this.keyOf(threadId));
    return Math.max(left, 0);
  }

  async isHeld(threadId: string): Promise<boolean> {
    return Number((await this.conn.client.get(this.keyOf(threadId))) ?? 0) > 0;
  }

  private keyOf(threadId: string): string {
    return `${this.conn.prefix}hold:${threadId}`;
  }
}
