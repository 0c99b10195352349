import { describe, expect, it } from "vitest";
import { Scheduler, type QueuedRun } from "../src/runs/scheduler.ts";

/** A scheduler whose started runs are finished by hand, so the test decides when capacity frees up. */
function harness(concurrency: number) {
  const started: string[] = [];
  let onStart: () => void = () => {};
  const scheduler = new Scheduler(concurrency, (q: QueuedRun) => {
    started.push(q.runId);
    onStart();
  });
  const nextStart = () => new Promise<void>((resolve) => (onStart = resolve));
  return { scheduler, started, nextStart };
}

describe("scheduler", () => {
  it("starts a run at once when there is capacity, and never more than the limit", () => {
    const { scheduler, started } = harness(2);
    for (const id of ["a", "b", "c", "d"]) scheduler.add({ runId: id, threadId: `t-${id}` });
    expect(started).toEqual(["a", "b"]);
    scheduler.finished("a");
    expect(started).toEqual(["a", "b", "c"]);
    scheduler.finished("b");
    scheduler.finished("c");
    expect(started).toEqual(["a", "b", "c", "d"]);
    expect(scheduler.runningCount).toBe(1);
  });

  it("runs one run per thread at a time, first in first out, while other threads go ahead", () => {
    const { scheduler, started } = harness(10);
    scheduler.add({ runId: "t1-a", threadId: "t1" });
    scheduler.add({ runId: "t1-b", threadId: "t1" });
    scheduler.add({ runId: "t2-a", threadId: "t2" });
    scheduler.add({ runId: "t1-c", threadId: "t1" });
    expect(started).toEqual(["t1-a", "t2-a"]);
    scheduler.finished("t1-a");
    expect(started).toEqual(["t1-a", "t2-a", "t1-b"]);
    scheduler.finished("t1-b");
    expect(started.at(-1)).toBe("t1-c");
  });

  it("a cancelled queued run is skipped", () => {
    const { scheduler, started } = harness(1);
    scheduler.add({ runId: "a", threadId: "t" });
    scheduler.add({ runId: "b", threadId: "t" });
    scheduler.add({ runId: "c", threadId: "t" });
    expect(scheduler.remove("b")).toBe(true);
    expect(scheduler.remove("b")).toBe(false);
    scheduler.finished("a");
    expect(started).toEqual(["a", "c"]);
  });

  it("starts a delayed run at its time, by a timer, and holds its thread's later runs behind it", async () => {
    const { scheduler, started, nextStart } = harness(5);
    const t0 = Date.now();
    scheduler.add({ runId: "later", threadId: "t", notBefore: t0 + 120 });
    scheduler.add({ runId: "after-it", threadId: "t" });
    scheduler.add({ runId: "other", threadId: "u" });
    expect(started).toEqual(["other"]);
    await nextStart();
    expect(started).toEqual(["other", "later"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
    scheduler.finished("later");
    expect(started.at(-1)).toBe("after-it");
  });

  it("starts nothing once paused", () => {
    const { scheduler, started } = harness(1);
    scheduler.add({ runId: "a", threadId: "t" });
    scheduler.add({ runId: "b", threadId: "u" });
    scheduler.pause();
    scheduler.finished("a");
    expect(started).toEqual(["a"]);
    expect(scheduler.isQueued("b")).toBe(true);
  });
});
