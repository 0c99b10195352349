import { describe, expect, it } from "vitest";
import { MemoryStreamBridge, RunStreamNotFoundError, type BridgeItem } from "../src/bridge/index.ts";

async function collect(items: AsyncIterable<BridgeItem>): Promise<BridgeItem[]> {
  const out: BridgeItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const ev = (id: number, n = id) => ({ type: "event", id, event: "values", data: { n } });

describe("in-process stream bridge", () => {
  it("gives ids 1, 2, 3... per run and replays the backlog, then live events, then the end", async () => {
    const bridge = new MemoryStreamBridge();
    expect(bridge.publish("r", "values", { n: 1 })).toBe(1);
    expect(bridge.publish("r", "values", { n: 2 })).toBe(2);
    expect(bridge.publish("other", "values", { n: 1 })).toBe(1);
    const reading = collect(bridge.subscribe("r"));
    bridge.publish("r", "values", { n: 3 });
    bridge.end("r", "success");
    expect(await reading).toEqual([ev(1), ev(2), ev(3), { type: "end", status: "success" }]);
  });

  it("resumes after lastEventId with nothing lost or repeated", async () => {
    const bridge = new MemoryStreamBridge();
    for (let i = 1; i <= 5; i++) bridge.publish("r", "values", { n: i });
    bridge.end("r", "success");
    expect(await collect(bridge.subscribe("r", { lastEventId: 3 }))).toEqual([ev(4), ev(5), { type: "end", status: "success" }]);
    expect(await collect(bridge.subscribe("r", { lastEventId: -1 }))).toHaveLength(6);
  });

  it.each([2, 50])("every one of %i concurrent subscribers receives every event in order", async (count) => {
    const bridge = new MemoryStreamBridge();
    bridge.open("r");
    const readers = Array.from({ length: count }, () => collect(bridge.subscribe("r")));
    for (let i = 1; i <= 200; i++) {
      bridge.publish("r", "values", { n: i });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let readers interleave
    }
    bridge.end("r", "success");
    const expected = [...Array.from({ length: 200 }, (_, i) => ev(i + 1)), { type: "end", status: "success" }];
    for (const got of await Promise.all(readers)) expect(got).toEqual(expected);
  });

  it("a slow subscriber neither blocks the publisher nor others, gets a gap for what retention dropped, and still gets the end", async () => {
    const bridge = new MemoryStreamBridge({ maxEventsPerRun: 16 });
    bridge.open("r");
    const fast = collect(bridge.subscribe("r"));
    const slow = bridge.subscribe("r")[Symbol.asyncIterator]();
    const firstSlow = await (async () => {
      bridge.publish("r", "values", { n: 1 });
      return (await slow.next()).value;
    })();
    expect(firstSlow).toEqual(ev(1));
    // the slow reader reads nothing while 100 more events are published (publish never
    // waits); the fast one reads each as it comes
    for (let i = 2; i <= 101; i++) {
      bridge.publish("r", "values", { n: i });
      await new Promise((resolve) => setImmediate(resolve));
    }
    bridge.end("r", "success");
    const rest: BridgeItem[] = [];
    for (let r = await slow.next(); !r.done; r = await slow.next()) rest.push(r.value);
    expect(rest[0]).toMatchObject({ type: "gap", fromId: 2 });
    const gap = rest[0] as { toId: number };
    expect(rest[1]).toEqual(ev(gap.toId + 1));
    expect(rest.at(-1)).toEqual({ type: "end", status: "success" });
    expect(rest.filter((i) => i.type === "event").map((i) => (i as { id: number }).id)).toEqual(
      Array.from({ length: 101 - gap.toId }, (_, i) => gap.toId + 1 + i),
    );
    // the fast reader kept up and lost nothing
    expect((await fast).filter((i) => i.type === "event")).toHaveLength(101);
  });

  it("asking for an id older than what is kept yields an explicit gap first", async () => {
    const bridge = new MemoryStreamBridge({ maxEventsPerRun: 8 });
    for (let i = 1; i <= 30; i++) bridge.publish("r", "values", { n: i });
    bridge.end("r", "success");
    const items = await collect(bridge.subscribe("r", { lastEventId: 0 }));
    const first = items[0] as { type: string; fromId: number; toId: number };
    expect(first).toMatchObject({ type: "gap", fromId: 1 });
    expect(items[1]).toEqual(ev(first.toId + 1));
    expect(items.at(-1)).toEqual({ type: "end", status: "success" });
  });

  it("an aborted subscriber stops at once and leaves no listener behind", async () => {
    const bridge = new MemoryStreamBridge();
    bridge.open("r");
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const readers = controllers.map((c) => collect(bridge.subscribe("r", { signal: c.signal })));
    bridge.publish("r", "values", { n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(bridge.stats().subscribers).toBe(100);
    for (const c of controllers) c.abort();
    const got = await Promise.all(readers);
    expect(got.every((items) => items.length <= 1)).toBe(true);
    expect(bridge.stats().subscribers).toBe(0);
  });

  it("refuses events after the end, and subscribing to an unknown run", () => {
    const bridge = new MemoryStreamBridge();
    bridge.publish("r", "values", {});
    bridge.end("r", "success");
    expect(() => bridge.publish("r", "values", {})).toThrow(/has ended/);
    expect(() => bridge.subscribe("nope")).toThrow(RunStreamNotFoundError);
    expect(bridge.lastId("r")).toBe(1);
  });

  it("frees the logs of finished runs after the retention window: memory does not grow with runs served", async () => {
    const bridge = new MemoryStreamBridge({ finishedRetentionMs: 20 });
    for (let run = 0; run < 1000; run++) {
      for (let i = 0; i < 50; i++) bridge.publish(`run-${run}`, "messages", { token: `t${i}`, pad: "x".repeat(64) });
      bridge.end(`run-${run}`, "success");
    }
    expect(bridge.stats()).toEqual({ runs: 1000, events: 50_000, subscribers: 0 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bridge.stats()).toEqual({ runs: 0, events: 0, subscribers: 0 });
    expect(() => bridge.subscribe("run-0")).toThrow(RunStreamNotFoundError);
  });

  it("close ends every open log for its subscribers", async () => {
    const bridge = new MemoryStreamBridge();
    bridge.publish("r", "values", {});
    const reading = collect(bridge.subscribe("r"));
    bridge.close();
    expect((await reading).at(-1)).toEqual({ type: "end", status: "interrupted" });
    expect(bridge.stats().runs).toBe(0);
  });
});
