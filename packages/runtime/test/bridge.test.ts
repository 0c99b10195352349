import { AsyncLocalStorage } from "node:async_hooks";
import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStreamBridge, RunStreamNotFoundError, type BridgeItem } from "../src/bridge/index.ts";

async function collect(items: AsyncIterable<BridgeItem>): Promise<BridgeItem[]> {
  const out: BridgeItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Lets every reader run until it is caught up (their progress is promise continuations only). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const ev = (id: number, n = id) => ({ type: "event", id, event: "values", data: { n } });
const evs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const end = (status = "success") => ({ type: "end", status });

function publishMany(bridge: MemoryStreamBridge, runId: string, from: number, to: number): number[] {
  const ids: number[] = [];
  for (let n = from; n <= to; n++) ids.push(bridge.publish(runId, "values", { n }));
  return ids;
}

afterEach(() => {
  vi.useRealTimers();
});

/** Full garbage collections until finalizers have had their turn (gc exposed for this process from here on). */
async function collectGarbage(): Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("in-process stream bridge", () => {
  it("numbers each run's events 1, 2, 3... and gives the backlog, then live events, then the end", async () => {
    const bridge = new MemoryStreamBridge();
    expect(publishMany(bridge, "r", 1, 2)).toEqual([1, 2]);
    expect(bridge.publish("other", "values", { n: 1 })).toBe(1);
    const reading = collect(bridge.subscribe("r"));
    bridge.publish("r", "values", { n: 3 });
    bridge.end("r", "success");
    expect(await reading).toEqual([...evs(1, 3), end()]);
    expect(bridge.lastId("r")).toBe(3);
    expect(bridge.lastId("other")).toBe(1);
  });

  it("loses and repeats nothing where the backlog meets the live tail", async () => {
    const bridge = new MemoryStreamBridge();
    publishMany(bridge, "r", 1, 3);
    const reader = bridge.subscribe("r", { lastEventId: 1 })[Symbol.asyncIterator]();
    expect((await reader.next()).value).toEqual(ev(2));
    bridge.publish("r", "values", { n: 4 }); // published while the backlog is being read
    expect((await reader.next()).value).toEqual(ev(3));
    expect((await reader.next()).value).toEqual(ev(4));
    const waiting = reader.next(); // caught up: waits for the next publish
    bridge.publish("r", "values", { n: 5 });
    expect((await waiting).value).toEqual(ev(5));
    bridge.end("r", "error");
    expect(await reader.next()).toEqual({ done: false, value: end("error") });
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });

  it("resumes after lastEventId; -1, 0 and none read from the start", async () => {
    const bridge = new MemoryStreamBridge();
    publishMany(bridge, "r", 1, 5);
    bridge.end("r", "success");
    expect(await collect(bridge.subscribe("r", { lastEventId: 3 }))).toEqual([...evs(4, 5), end()]);
    expect(await collect(bridge.subscribe("r", { lastEventId: 5 }))).toEqual([end()]);
    for (const lastEventId of [-1, 0, undefined]) {
      expect(await collect(bridge.subscribe("r", { lastEventId }))).toEqual([...evs(1, 5), end()]);
    }
  });

  it.each([2, 50])("each of %i concurrent subscribers receives every event, in order", async (count) => {
    const bridge = new MemoryStreamBridge();
    bridge.open("r");
    const early = Array.from({ length: count / 2 }, () => collect(bridge.subscribe("r")));
    publishMany(bridge, "r", 1, 100);
    await settle();
    // the other half joins mid-run: backlog first, then the same live events
    const late = Array.from({ length: count / 2 }, () => collect(bridge.subscribe("r")));
    for (let n = 101; n <= 200; n++) {
      bridge.publish("r", "values", { n });
      if (n % 25 === 0) await settle();
    }
    bridge.end("r", "success");
    const all = await Promise.all([...early, ...late]);
    expect(all).toHaveLength(count);
    for (const got of all) expect(got).toEqual([...evs(1, 200), end()]);
  });

  it("a slow subscriber blocks neither the publisher nor the others, gets a gap for what was dropped, and still gets the end", async () => {
    const bridge = new MemoryStreamBridge({ maxEventsPerRun: 16 });
    bridge.open("r");
    const fast = collect(bridge.subscribe("r"));
    const slow = bridge.subscribe("r")[Symbol.asyncIterator]();
    const firstSlow = slow.next();
    bridge.publish("r", "values", { n: 1 });
    expect((await firstSlow).value).toEqual(ev(1));
    // the slow reader reads nothing meanwhile; the fast one keeps up
    for (let n = 2; n <= 101; n++) {
      expect(bridge.publish("r", "values", { n })).toBe(n);
      await settle();
    }
    bridge.end("r", "success");
    expect(bridge.stats().events).toBe(16); // retention is bounded whatever the readers do
    expect(await fast).toEqual([...evs(1, 101), end()]);
    const rest: BridgeItem[] = [];
    for (let r = await slow.next(); !r.done; r = await slow.next()) rest.push(r.value);
    expect(rest).toEqual([{ type: "gap", fromId: 2, toId: 85 }, ...evs(86, 101), end()]);
  });

  it("asking for an id older than what is kept yields the gap first, then the oldest kept event", async () => {
    const bridge = new MemoryStreamBridge({ maxEventsPerRun: 8 });
    publishMany(bridge, "r", 1, 30);
    bridge.end("r", "success");
    expect(await collect(bridge.subscribe("r"))).toEqual([{ type: "gap", fromId: 1, toId: 22 }, ...evs(23, 30), end()]);
    expect(await collect(bridge.subscribe("r", { lastEventId: 10 }))).toEqual([
      { type: "gap", fromId: 11, toId: 22 },
      ...evs(23, 30),
      end(),
    ]);
    expect(await collect(bridge.subscribe("r", { lastEventId: 25 }))).toEqual([...evs(26, 30), end()]);
  });

  it("end lets subscribers drain what is left; a finished run replays what is kept, then ends", async () => {
    const bridge = new MemoryStreamBridge();
    bridge.open("r");
    const reader = bridge.subscribe("r")[Symbol.asyncIterator]();
    const first = reader.next();
    publishMany(bridge, "r", 1, 3);
    bridge.end("r", "interrupted");
    bridge.end("r", "success"); // ending twice changes nothing
    expect((await first).value).toEqual(ev(1));
    expect((await reader.next()).value).toEqual(ev(2));
    expect((await reader.next()).value).toEqual(ev(3));
    expect((await reader.next()).value).toEqual(end("interrupted"));
    expect((await reader.next()).done).toBe(true);
    expect(await collect(bridge.subscribe("r"))).toEqual([...evs(1, 3), end("interrupted")]);
    expect(() => bridge.publish("r", "values", {})).toThrow(/has ended/);
  });

  it("opens a log on first publish or open, and ends never-published runs too", async () => {
    const bridge = new MemoryStreamBridge();
    expect(bridge.has("r")).toBe(false);
    expect(bridge.lastId("r")).toBeUndefined();
    bridge.open("r");
    expect(bridge.has("r")).toBe(true);
    expect(bridge.lastId("r")).toBe(0);
    bridge.publish("r", "values", { n: 1 });
    bridge.open("r"); // idempotent: does not reset the log
    expect(bridge.lastId("r")).toBe(1);
    bridge.end("cancelled-before-start", "interrupted");
    expect(await collect(bridge.subscribe("cancelled-before-start"))).toEqual([end("interrupted")]);
  });

  it("subscribing to a run with no log rejects with RunStreamNotFoundError when iterated", async () => {
    const bridge = new MemoryStreamBridge();
    const items = bridge.subscribe("nope"); // nothing happens until iteration
    await expect(items[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(RunStreamNotFoundError);
  });

  it("frees finished runs' logs after the retention window: memory does not grow with runs served", async () => {
    vi.useFakeTimers();
    const bridge = new MemoryStreamBridge({ finishedRetentionMs: 60_000, maxFinishedRuns: 10_000 });
    for (let run = 0; run < 1000; run++) {
      for (let i = 0; i < 50; i++) bridge.publish(`run-${run}`, "messages", { token: `t${i}`, pad: "x".repeat(64) });
      bridge.end(`run-${run}`, "success");
    }
    bridge.publish("still-running", "values", { n: 1 });
    expect(bridge.stats()).toEqual({ runs: 1001, events: 50_001, subscribers: 0 });
    vi.advanceTimersByTime(59_999);
    expect(bridge.has("run-999")).toBe(true);
    expect((await collect(bridge.subscribe("run-999"))).at(-1)).toEqual(end());
    vi.advanceTimersByTime(1);
    // only the run that has not ended is held
    expect(bridge.stats()).toEqual({ runs: 1, events: 1, subscribers: 0 });
    expect(bridge.has("run-0")).toBe(false);
    expect(bridge.lastId("run-0")).toBeUndefined();
    await expect(collect(bridge.subscribe("run-0"))).rejects.toBeInstanceOf(RunStreamNotFoundError);
  });

  it("keeps at most maxFinishedRuns finished logs, freeing the oldest first; a running run's log is never freed", async () => {
    const bridge = new MemoryStreamBridge({ finishedRetentionMs: 60_000, maxFinishedRuns: 3 });
    bridge.publish("running", "values", { n: 0 });
    for (let run = 0; run < 5; run++) {
      bridge.publish(`run-${run}`, "values", { run });
      bridge.end(`run-${run}`, "success");
    }
    expect(["running", ...[0, 1, 2, 3, 4].map((run) => `run-${run}`)].map((id) => bridge.has(id))).toEqual([
      true,
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(bridge.stats()).toEqual({ runs: 4, events: 4, subscribers: 0 });
    await expect(collect(bridge.subscribe("run-1"))).rejects.toBeInstanceOf(RunStreamNotFoundError);
    expect((await collect(bridge.subscribe("run-4"))).at(-1)).toEqual(end());
  });

  it("a finished run's kept log holds nothing of the async context it ended in (the request that streamed it)", async () => {
    const bridge = new MemoryStreamBridge({ finishedRetentionMs: 60_000 });
    // as a web framework keeps each request's state (its response, body streams) in an AsyncLocalStorage
    const request = new AsyncLocalStorage<{ response: Uint8Array }>();
    let freed = 0;
    const finalized = new FinalizationRegistry(() => freed++);
    // a function of its own: no variable of the test's frame keeps the last request's state
    const streamInRequest = (run: number) => {
      const state = { response: new Uint8Array(64 * 1024) };
      finalized.register(state, run);
      request.run(state, () => {
        publishMany(bridge, `r${run}`, 1, 3);
        bridge.end(`r${run}`, "success");
      });
    };
    for (let run = 0; run < 20; run++) streamInRequest(run);
    await collectGarbage();
    // every request's state is gone, while every finished log is still kept and readable
    expect(freed).toBe(20);
    expect(bridge.stats().runs).toBe(20);
    expect(await collect(bridge.subscribe("r19"))).toEqual([...evs(1, 3), end()]);
    await bridge.close();
  });

  it("an aborted subscriber stops at once, while waiting, and leaves no listener behind", async () => {
    const bridge = new MemoryStreamBridge();
    bridge.open("r");
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const readers = controllers.map((c) => collect(bridge.subscribe("r", { signal: c.signal })));
    bridge.publish("r", "values", { n: 1 });
    await settle();
    expect(bridge.stats().subscribers).toBe(100);
    for (const c of controllers) c.abort();
    // no further publish or end is needed for them to return
    expect(await Promise.all(readers)).toEqual(controllers.map(() => [ev(1)]));
    expect(bridge.stats().subscribers).toBe(0);
    for (const c of controllers) expect(getEventListeners(c.signal, "abort")).toHaveLength(0);
    const aborted = AbortSignal.abort();
    expect(await collect(bridge.subscribe("r", { signal: aborted }))).toEqual([]);
  });

  it("subscriptions that end or are left early release their listeners on a shared signal", async () => {
    const bridge = new MemoryStreamBridge();
    const shutdown = new AbortController(); // e.g. one server-wide signal for every SSE client
    for (let run = 0; run < 1000; run++) {
      publishMany(bridge, `r${run}`, 1, 3);
      bridge.end(`r${run}`, "success");
      expect(await collect(bridge.subscribe(`r${run}`, { signal: shutdown.signal }))).toHaveLength(4);
    }
    for await (const item of bridge.subscribe("r999", { signal: shutdown.signal })) {
      if (item.type === "event") break;
    }
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
    expect(bridge.stats().subscribers).toBe(0);
    bridge.close();
  });

  it("close stops every open log's subscribers once they drain it (no end: the run has not ended), frees everything and refuses new events", async () => {
    const bridge = new MemoryStreamBridge();
    publishMany(bridge, "open", 1, 1);
    bridge.publish("finished", "values", { n: 1 });
    bridge.end("finished", "success");
    const reader = bridge.subscribe("open")[Symbol.asyncIterator]();
    expect((await reader.next()).value).toEqual(ev(1));
    bridge.publish("open", "values", { n: 2 }); // not yet read when close() comes
    bridge.close();
    expect((await reader.next()).value).toEqual(ev(2));
    expect((await reader.next()).done).toBe(true);
    expect(bridge.stats()).toEqual({ runs: 0, events: 0, subscribers: 0 });
    expect(() => bridge.publish("open", "values", {})).toThrow(/closed/);
    expect(() => bridge.open("new")).toThrow(/closed/);
    bridge.end("open", "success"); // a run stopping after shutdown has no one left to tell
    bridge.close();
    expect(bridge.has("open")).toBe(false);
  });
});
