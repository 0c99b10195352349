// The runs feed, the fleet signals and connectRedis against a real Redis. Two
// connections under one prefix stand for two members of a fleet.
import type { Run } from "@lgrs/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, redactRedisUrl, RedisStartupError, type RedisConnection } from "../src/fleet/redis.ts";
import { createRedisFleet, type RedisFleet } from "../src/fleet/redis-fleet.ts";
import { reviveRun } from "../src/fleet/redis-run-feed.ts";
import { freePort } from "./fixtures/free-port.ts";
import { connectTest, dropKeys, eventually, sleep, testPrefix, TEST_REDIS_URL } from "./redis-helpers.ts";

const prefix = testPrefix();
let a: RedisConnection;
let b: RedisConnection;
let fleetA: RedisFleet;
let fleetB: RedisFleet;

beforeAll(async () => {
  a = await connectTest(prefix);
  b = await connectTest(prefix);
  const options = { endedStatus: async () => undefined, logError: () => {} };
  fleetA = createRedisFleet(a, options);
  fleetB = createRedisFleet(b, options);
  await Promise.all([fleetA.ready(), fleetB.ready()]);
});

afterAll(async () => {
  for (const fleet of [fleetA, fleetB]) {
    await fleet.bridge.close();
    await fleet.feed.close();
    await fleet.signals.close();
  }
  await dropKeys(a);
  await a.close();
  await b.close();
});

function runOf(id: string, status = "pending"): Run {
  const now = new Date("2026-11-29T12:00:00.000Z");
  return {
    id,
    threadId: "t1",
    status,
    kwargs: { input: { n: 1 } },
    metadata: {},
    attempt: 1,
    createdAt: now,
    updatedAt: new Date(now.getTime() + 1000),
    startedAt: null,
    endedAt: null,
    notBefore: null,
    rolledBackAt: null,
    leaseExpiresAt: new Date(now.getTime() + 10_000),
  } as unknown as Run;
}

describe("Redis runs feed", () => {
  it("delivers every member's changes to every member's listeners exactly once, dates revived", async () => {
    const seenA: Run[] = [];
    const seenB: Run[] = [];
    const offA = fleetA.feed.subscribe((run) => seenA.push(run));
    const offB = fleetB.feed.subscribe((run) => seenB.push(run));
    expect(fleetA.feed.listenerCount).toBe(1);
    fleetA.feed.emit(runOf("r1"));
    fleetB.feed.emit(runOf("r2", "running"));
    await eventually(() => seenA.length === 2 && seenB.length === 2);
    await sleep(50); // and no more than once
    expect(seenA.map((run) => run.id).sort()).toEqual(["r1", "r2"]);
    expect(seenB.map((run) => run.id).sort()).toEqual(["r1", "r2"]);
    const r1 = seenB.find((run) => run.id === "r1")!;
    expect(r1).toEqual(runOf("r1"));
    expect(r1.createdAt).toBeInstanceOf(Date);
    expect(r1.leaseExpiresAt).toBeInstanceOf(Date);
    expect(r1.startedAt).toBeNull();
    offA();
    offB();
    expect(fleetA.feed.listenerCount).toBe(0);
  });

  it("watch buffers every change from the call until the signal aborts", async () => {
    const controller = new AbortController();
    const changes = fleetB.feed.watch(controller.signal);
    await sleep(10);
    for (let i = 1; i <= 5; i++) fleetA.feed.emit(runOf(`w${i}`));
    const got: string[] = [];
    for await (const run of changes) {
      got.push(run.id);
      if (got.length === 5) controller.abort();
    }
    expect(got).toEqual(["w1", "w2", "w3", "w4", "w5"]);
  });

  it("revives only the date fields", () => {
    const run = reviveRun(JSON.stringify({ id: "x", endedAt: "2026-01-01T00:00:00.000Z", metadata: { at: "2026-01-01T00:00:00.000Z" } }));
    expect(run.endedAt).toEqual(new Date("2026-01-01T00:00:00.000Z"));
    expect((run.metadata as { at: unknown }).at).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("Redis fleet signals", () => {
  it("carries wake-ups to the other members and cancel requests to every member", async () => {
    let wakesA = 0;
    let wakesB = 0;
    const cancels: string[] = [];
    const offs = [
      fleetA.signals.onWake(() => wakesA++),
      fleetB.signals.onWake(() => wakesB++),
      fleetB.signals.onCancel((runId, action) => cancels.push(`${runId}:${action}`)),
    ];
    fleetA.signals.wake();
    fleetB.signals.wake();
    fleetA.signals.cancel("r9", "rollback");
    fleetB.signals.cancel("r10", "interrupt");
    await eventually(() => wakesA === 1 && wakesB === 1 && cancels.length === 2);
    expect(cancels).toEqual(["r9:rollback", "r10:interrupt"]);
    // a member's own wake-up does not come back to it (it looks at the queue as it sends one)
    await sleep(50);
    expect([wakesA, wakesB]).toEqual([1, 1]);
    // malformed requests (another version, a stray publisher) are ignored
    await a.client.publish(`${prefix}cancel`, JSON.stringify({ runId: "r11", action: "explode" }));
    await a.client.publish(`${prefix}cancel`, "not json");
    fleetA.signals.cancel("r12", "interrupt");
    await eventually(() => cancels.length === 3);
    expect(cancels[2]).toBe("r12:interrupt");
    for (const off of offs) off();
  });

  it("stays apart from another fleet's prefix", async () => {
    const other = await connectTest();
    const otherFleet = createRedisFleet(other, { endedStatus: async () => undefined, logError: () => {} });
    await otherFleet.ready();
    let crossed = 0;
    const off = otherFleet.signals.onWake(() => crossed++);
    let heard = 0;
    const offA = fleetA.signals.onWake(() => heard++);
    fleetB.signals.wake();
    await eventually(() => heard === 1);
    await sleep(50);
    expect(crossed).toBe(0);
    off();
    offA();
    await otherFleet.signals.close();
    await otherFleet.feed.close();
    await other.close();
  });
});

describe("connectRedis", () => {
  it("fails fast with one clear line when Redis is not reachable", async () => {
    const port = await freePort();
    const started = Date.now();
    const failure = await connectRedis(`redis://127.0.0.1:${port}`).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RedisStartupError);
    expect((failure as Error).message).toBe(
      `Redis at redis://127.0.0.1:${port} is not reachable (ECONNREFUSED): start it or fix REDIS_URL.`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("never prints a password", async () => {
    expect(redactRedisUrl("redis://app:s3cret@cache.internal:6380/2")).toBe("redis://app:***@cache.internal:6380/2");
    expect(redactRedisUrl("rediss://cache.internal")).toBe("rediss://cache.internal");
    const port = await freePort();
    const failure = await connectRedis(`redis://app:s3cret@127.0.0.1:${port}`).catch((err: Error) => err);
    expect((failure as Error).message).not.toContain("s3cret");
  });

  it("answers ping with the latency, and uses the prefix given (default lgrs:)", async () => {
    expect(await a.ping()).toEqual({ reachable: true, latencyMs: expect.any(Number) });
    expect(a.prefix).toBe(prefix);
    const plain = await connectRedis(TEST_REDIS_URL, { log: () => {} });
    expect(plain.prefix).toBe("lgrs:");
    expect(plain.url).toBe(redactRedisUrl(TEST_REDIS_URL));
    await plain.close();
    expect(await plain.ping()).toMatchObject({ reachable: false });
  });
});
