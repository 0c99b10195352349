// Shared by the redis-*.test.ts files: a connection of its own per test file,
// on the local Redis, under a random key prefix that is deleted afterwards.
import { randomBytes } from "node:crypto";
import { connectRedis, type RedisConnection } from "../src/fleet/redis.ts";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function testPrefix(): string {
  return `lgrs-test-${randomBytes(4).toString("hex")}:`;
}

/** A connection under `prefix` (a new random one when omitted); quiet about reconnections. */
export function connectTest(prefix = testPrefix(), url = TEST_REDIS_URL): Promise<RedisConnection> {
  return connectRedis(url, { keyPrefix: prefix, log: () => {} });
}

/** Deletes every key under the connection's prefix. */
export async function dropKeys(conn: RedisConnection): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await conn.client.scan(cursor, "MATCH", `${conn.prefix}*`, "COUNT", 500);
    if (keys.length) await conn.client.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (or fails after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}
