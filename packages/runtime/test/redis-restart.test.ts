// Redis going away mid-run, on a redis-server of this test's own (never the
// shared one): connections come back by themselves, readers continue or end from
// the database's word, pub/sub is subscribed again and listeners are told.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeItem } from "../src/bridge/stream-bridge.ts";
import { connectRedis, type RedisConnection } from "../src/fleet/redis.ts";
import { createRedisFleet, type RedisFleet } from "../src/fleet/redis-fleet.ts";
import type { EndedRun } from "../src/fleet/redis-stream-bridge.ts";
import type { Run } from "@lgrs/db";
import { freePort } from "./fixtures/free-port.ts";
import { eventually, sleep } from "./redis-helpers.ts";

let port: number;
let server: ChildProcess | undefined;
let a: RedisConnection;
let b: RedisConnection;
let fleetA: RedisFleet;
let fleetB: RedisFleet;
const logs: string[] = [];
const ended = new Map<string, EndedRun>();

async function startServer(): Promise<void> {
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = async () => {
    const conn = await connectRedis(`redis://127.0.0.1:${port}`, { log: () => {} }).catch(() => undefined);
    await conn?.close();
    return conn !== undefined;
  };
  await eventually(probe, 10_000);
}

async function stopServer(): Promise<void> {
  const dying = server;
  server = undefined;
  if (!dying || dying.exitCode !== null) return;
  const exited = new Promise((resolve) => dying.once("exit", resolve));
  dying.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  port = await freePort();
  await startServer();
  const url = `redis://127.0.0.1:${port}`;
  a = await connectRedis(url, { keyPrefix: "lgrs-test:", log: (line) => logs.push(line) });
  b = await connectRedis(url, { keyPrefix: "lgrs-test:", log: () => {} });
  const options = { blockMs: 300, endedStatus: async (runId: string) => ended.get(runId), logError: () => {} };
  fleetA = createRedisFleet(a, options);
  fleetB = createRedisFleet(b, options);
  await Promise.all([fleetA.ready(), fleetB.ready()]);
});

afterAll(async () => {
  for (const fleet of [fleetA, fleetB]) {
    await fleet?.bridge.close();
    await fleet?.feed.close();
    await fleet?.signals.close();
  }
  await a?.close();
  await b?.close();
  await stopServer();
});

const ev = (id: number) => ({ type: "event", id, event: "values", data: { n: id } });

describe("Redis restarted mid-run", () => {
  it("readers continue, writes go out once Redis is back, pub/sub resumes and says so", async () => {
    let reconnectsA = 0;
    let reconnectsB = 0;
    fleetA.signals.onReconnect(() => reconnectsA++);
    fleetB.signals.onReconnect(() => reconnectsB++);
    const run = "restarted";
    const reader = fleetB.bridge.subscribe(run)[Symbol.asyncIterator]();
    for (let n = 1; n <= 3; n++) fleetA.bridge.publish(run, "values", { n });
    const items: BridgeItem[] = [];
    for (let n = 1; n <= 3; n++) items.push((await reader.next()).value as BridgeItem);
    expect(items).toEqual([ev(1), ev(2), ev(3)]);

    const next = reader.next();
    await stopServer();
    // published while Redis is down: queued by the client, written when it is back
    for (let n = 4; n <= 5; n++) fleetA.bridge.publish(run, "values", { n });
    expect((await a.ping()).reachable).toBe(false);
    await sleep(200);
    await startServer();
    await eventually(() => reconnectsA === 1 && reconnectsB === 1, 10_000);
    expect(await next).toEqual({ done: false, value: ev(4) });
    expect((await reader.next()).value).toEqual(ev(5));
    fleetA.bridge.publish(run, "values", { n: 6 });
    fleetA.bridge.end(run, "success");
    expect((await reader.next()).value).toEqual(ev(6));
    expect((await reader.next()).value).toEqual({ type: "end", status: "success" });
    expect((await a.ping()).reachable).toBe(true);
    // one line when each connection is lost (not one per attempt), one when it is back
    expect(logs.sort()).toEqual([
      "redis: commands connection back",
      "redis: commands connection lost (connection closed); reconnecting",
      "redis: pub/sub connection back",
      "redis: pub/sub connection lost (connection closed); reconnecting",
    ]);

    // the feed is subscribed again
    const seen: string[] = [];
    const off = fleetB.feed.subscribe((r: Run) => seen.push(r.id));
    fleetA.feed.emit({ id: "after-restart" } as Run);
    await eventually(() => seen.length === 1);
    off();
  });

  it("a reader ends from the database's word while Redis stays down, the lost events as a gap", async () => {
    const run = "ended-while-down";
    const reader = fleetB.bridge.subscribe(run)[Symbol.asyncIterator]();
    fleetA.bridge.publish(run, "values", { n: 1 });
    expect((await reader.next()).value).toEqual(ev(1));
    const next = reader.next();
    await stopServer();
    // the worker finished the run: events 2..4 are in the database, Redis never had them
    ended.set(run, { status: "success", lastEventId: 4 });
    expect(await next).toEqual({ done: false, value: { type: "gap", fromId: 2, toId: 4 } });
    expect((await reader.next()).value).toEqual({ type: "end", status: "success" });
    expect((await reader.next()).done).toBe(true);
    await startServer();
  });
});
