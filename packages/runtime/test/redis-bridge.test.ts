// The Redis stream bridge against a real Redis (own key prefix). Two bridges on
// two connections stand for two processes of a fleet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeItem } from "../src/bridge/stream-bridge.ts";
import type { RedisConnection } from "../src/fleet/redis.ts";
import { RedisStreamBridge, type RedisBridgeOptions } from "../src/fleet/redis-stream-bridge.ts";
import { connectTest, dropKeys, eventually, sleep, testPrefix } from "./redis-helpers.ts";

const prefix = testPrefix();
let a: RedisConnection;
let b: RedisConnection;
const bridges: RedisStreamBridge[] = [];
let runCounter = 0;
const newRun = () => `run-${++runCounter}`;

beforeAll(async () => {
  a = await connectTest(prefix);
  b = await connectTest(prefix);
});

afterAll(async () => {
  for (const bridge of bridges) await bridge.close();
  await dropKeys(a);
  await a.close();
  await b.close();
});

const notEnded = async () => undefined;

function bridgeOn(conn: RedisConnection, options: Partial<RedisBridgeOptions> = {}): RedisStreamBridge {
  const bridge = new RedisStreamBridge(conn, { endedStatus: notEnded, logError: () => {}, ...options });
  bridges.push(bridge);
  return bridge;
}

/** Waits until what `conn` queued so far has reached Redis (commands of one connection run in order). */
const flushed = (conn: RedisConnection) => conn.client.ping();

async function collect(items: AsyncIterable<BridgeItem>): Promise<BridgeItem[]> {
  const out: BridgeItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const ev = (id: number, n = id) => ({ type: "event", id, event: "values", data: { n } });
const evs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const end = (status = "success") => ({ type: "end", status });

function publishMany(bridge: RedisStreamBridge, runId: string, from: number, to: number): number[] {
  const ids: number[] = [];
  for (let n = from; n <= to; n++) ids.push(bridge.publish(runId, "values", { n }));
  return ids;
}

describe("Redis stream bridge", () => {
  it("numbers each run's events 1, 2, 3... and another process reads backlog, live events, then the end", async () => {
    const writer = bridgeOn(a);
    const reader = bridgeOn(b);
    expect(writer.shared).toBe(true);
    const run = newRun();
    const other = newRun();
    expect(publishMany(writer, run, 1, 2)).toEqual([1, 2]);
    expect(writer.publish(other, "values", { n: 1 })).toBe(1);
    await flushed(a);
    const reading = collect(reader.subscribe(run));
    await sleep(50);
    writer.publish(run, "values", { n: 3 });
    expect(writer.lastId(run)).toBe(3);
    expect(reader.lastId(run)).toBeUndefined(); // not published by that process
    expect(writer.stats()).toEqual({ runs: 2, events: 0, subscribers: 0 });
    writer.end(run, "success");
    expect(await reading).toEqual([...evs(1, 3), end()]);
    expect(writer.lastId(run)).toBeUndefined();
    expect(writer.has(run)).toBe(false);
    // an event without data and the default event fields survive the trip
    writer.publish(other, "metadata", undefined);
    writer.end(other, "error");
    expect(await collect(reader.subscribe(other, { lastEventId: 1 }))).toEqual([
      { type: "event", id: 2, event: "metadata", data: undefined },
      end("error"),
    ]);
  });

  it("resumes after lastEventId on another bridge; -1, 0 and none read from the start", async () => {
    const writer = bridgeOn(a);
    const reader = bridgeOn(b);
    const run = newRun();
    publishMany(writer, run, 1, 5);
    writer.end(run, "success");
    await flushed(a);
    expect(await collect(reader.subscribe(run, { lastEventId: 3 }))).toEqual([...evs(4, 5), end()]);
    expect(await collect(reader.subscribe(run, { lastEventId: 5 }))).toEqual([end()]);
    for (const lastEventId of [-1, 0, undefined]) {
      expect(await collect(reader.subscribe(run, { lastEventId }))).toEqual([...evs(1, 5), end()]);
    }
  });

  it("gives every one of many subscribers on two processes every event, in order", async () => {
    const writer = bridgeOn(a);
    const readers = [bridgeOn(a), bridgeOn(b)];
    const run = newRun();
    const early = Array.from({ length: 10 }, (_, i) => collect(readers[i % 2]!.subscribe(run)));
    await sleep(50);
    publishMany(writer, run, 1, 100);
    await flushed(a);
    const late = Array.from({ length: 10 }, (_, i) => collect(readers[i % 2]!.subscribe(run)));
    await eventually(() => readers[0]!.stats().subscribers + readers[1]!.stats().subscribers === 20);
    publishMany(writer, run, 101, 200);
    writer.end(run, "success");
    for (const items of await Promise.all([...early, ...late])) expect(items).toEqual([...evs(1, 200), end()]);
    expect(readers[0]!.stats().subscribers + readers[1]!.stats().subscribers).toBe(0);
  });

  it("waits on a run whose stream does not exist yet (a pending run)", async () => {
    const writer = bridgeOn(a);
    const reader = bridgeOn(b, { blockMs: 100 });
    const run = newRun();
    writer.open(run);
    const reading = collect(reader.subscribe(run));
    await sleep(300); // several blocking reads time out meanwhile
    publishMany(writer, run, 1, 2);
    writer.end(run, "success");
    expect(await reading).toEqual([...evs(1, 2), end()]);
  });

  it("begin continues the ids of an earlier attempt and returns what it published after the saved events", async () => {
    const first = bridgeOn(a);
    const second = bridgeOn(b); // the process resuming the run
    const run = newRun();
    publishMany(first, run, 1, 5);
    await flushed(a);
    // the database has events 1..3: 4 and 5 were published but not saved
    expect(await second.begin(run, 3)).toEqual([4, 5].map((n) => ({ id: n, event: "values", data: { n } })));
    expect(second.lastId(run)).toBe(5);
    expect(second.publish(run, "values", { n: 6 })).toBe(6);
    second.end(run, "success");
    expect(await collect(second.subscribe(run))).toEqual([...evs(1, 6), end()]);

    // the database is ahead of the stream (events trimmed or lost): ids continue after the database
    const other = newRun();
    publishMany(first, other, 1, 2);
    await flushed(a);
    expect(await second.begin(other, 7)).toEqual([]);
    expect(second.publish(other, "values", { n: 8 })).toBe(8);
    // a run never begun starts at 1
    expect(second.publish(newRun(), "values", {})).toBe(1);
  });

  it("ending twice (or from two members) changes nothing, and publishing after the end throws", async () => {
    const writer = bridgeOn(a);
    const sweeper = bridgeOn(b);
    const run = newRun();
    publishMany(writer, run, 1, 2);
    writer.end(run, "success");
    writer.end(run, "error");
    expect(() => writer.publish(run, "values", {})).toThrow(/has ended/);
    await flushed(a);
    sweeper.end(run, "error"); // another member writing the end again: refused by Redis, harmlessly
    await flushed(b);
    expect(await collect(sweeper.subscribe(run))).toEqual([...evs(1, 2), end()]);
  });

  it("reports trimmed events as a gap", async () => {
    const writer = bridgeOn(a, { maxEventsPerRun: 10 });
    const run = newRun();
    publishMany(writer, run, 1, 1000);
    writer.end(run, "success");
    await flushed(a);
    const items = await collect(bridgeOn(b).subscribe(run));
    const [gap, ...rest] = items;
    // MAXLEN ~ trims whole nodes: roughly the latest hundred or so are kept
    expect(gap).toMatchObject({ type: "gap", fromId: 1 });
    const first = (gap as { toId: number }).toId + 1;
    expect(first).toBeGreaterThan(500);
    expect(rest).toEqual([...evs(first, 1000), end()]);
  });

  it("reports missing ids (lost while Redis was away) as gaps, the end's missing tail included", async () => {
    const writer = bridgeOn(a);
    const run = newRun();
    publishMany(writer, run, 1, 6);
    writer.end(run, "success");
    await flushed(a);
    await a.client.xdel(`${prefix}run:${run}`, "0-3", "0-4", "0-6");
    expect(await collect(bridgeOn(b).subscribe(run, { lastEventId: 1 }))).toEqual([
      ev(2),
      { type: "gap", fromId: 3, toId: 4 },
      ev(5),
      { type: "gap", fromId: 6, toId: 6 },
      end(),
    ]);
  });

  it("stops at once on abort, even while waiting", async () => {
    const reader = bridgeOn(b, { blockMs: 10_000 });
    const run = newRun();
    const controller = new AbortController();
    const started = Date.now();
    const reading = collect(reader.subscribe(run, { signal: controller.signal }));
    await eventually(() => reader.stats().subscribers === 1);
    controller.abort();
    expect(await reading).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reader.stats().subscribers).toBe(0);
    // an already aborted signal reads nothing
    expect(await collect(reader.subscribe(run, { signal: controller.signal }))).toEqual([]);
  });

  it("asks endedStatus when nothing comes, and ends a run whose end entry Redis lost", async () => {
    const run = newRun();
    const key = `${prefix}run:${run}`;
    // what a worker wrote before Redis lost the end entry (or the worker died before writing it)
    for (let n = 1; n <= 3; n++) await a.client.xadd(key, `0-${n}`, "e", "values", "d", JSON.stringify({ n }));
    let asked = 0;
    let status: string | undefined;
    const reader = bridgeOn(b, {
      blockMs: 100,
      endedStatus: async (id) => {
        expect(id).toBe(run);
        asked++;
        return status;
      },
    });
    const reading = collect(reader.subscribe(run));
    await eventually(() => asked >= 2); // still running: the reader keeps waiting
    status = "success";
    expect(await reading).toEqual([...evs(1, 3), end()]);

    // with the database's last event id, events Redis never had become a gap for the run manager to fill
    const lost = newRun();
    await a.client.xadd(`${prefix}run:${lost}`, "0-1", "e", "values", "d", JSON.stringify({ n: 1 }));
    const informed = bridgeOn(b, { blockMs: 100, endedStatus: async () => ({ status: "error", lastEventId: 4 }) });
    expect(await collect(informed.subscribe(lost))).toEqual([ev(1), { type: "gap", fromId: 2, toId: 4 }, end("error")]);
    // no stream at all (expired or never written)
    expect(await collect(informed.subscribe(newRun(), { lastEventId: 4 }))).toEqual([end("error")]);
  });

  it("keeps a finished run's stream for the retention window, then Redis frees it", async () => {
    const writer = bridgeOn(a, { finishedRetentionMs: 300 });
    const run = newRun();
    const key = `${prefix}run:${run}`;
    publishMany(writer, run, 1, 3);
    await flushed(a);
    expect(await a.client.pttl(key)).toBe(-1); // running: no expiry
    writer.end(run, "success");
    await flushed(a);
    const ttl = await a.client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await eventually(async () => (await a.client.exists(key)) === 0, 2000);
  });

  it("close stops its readers and refuses new events, without ending runs", async () => {
    const writer = bridgeOn(a);
    const reader = bridgeOn(b, { blockMs: 10_000 });
    const run = newRun();
    publishMany(writer, run, 1, 2);
    await flushed(a);
    const reading = reader.subscribe(run)[Symbol.asyncIterator]();
    expect((await reading.next()).value).toEqual(ev(1));
    expect((await reading.next()).value).toEqual(ev(2));
    const waiting = reading.next(); // caught up: blocked in Redis
    await sleep(50);
    await reader.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(reader.stats().subscribers).toBe(0);
    await writer.close();
    expect(() => writer.publish(run, "values", {})).toThrow(/closed/);
    expect(() => writer.open(run)).toThrow(/closed/);
    await expect(writer.begin(run, 0)).rejects.toThrow(/closed/);
    writer.end(run, "success"); // no-op
    await flushed(a);
    const entries = await a.client.xrange(`${prefix}run:${run}`, "-", "+");
    expect(entries.map(([id]) => id)).toEqual(["0-1", "0-2"]);
  });
});
