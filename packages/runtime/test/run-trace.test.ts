import { describe, expect, it } from "vitest";
import { type RecordedEvent, traceOf } from "../src/runs/run-trace.ts";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));

function events(...list: [event: string, data: unknown, ms: number][]): RecordedEvent[] {
  return list.map(([event, data, ms], i) => ({ seq: i + 1, event, data, createdAt: at(ms) }));
}

const ai = (content: string, total?: number) => ({
  type: "ai",
  content,
  ...(total ? { usage_metadata: { input_tokens: 1, output_tokens: total - 1, total_tokens: total } } : {}),
});

describe("traceOf", () => {
  it("a run streamed with values and messages-tuple: the streaming node is a step, its tokens from the usage on its last chunk", () => {
    const { steps, events: meta } = traceOf(
      { status: "success" },
      events(
        ["metadata", { run_id: "r" }, 0],
        ["values", { messages: [] }, 5],
        [
          "messages",
          [
            { ...ai("Hel"), type: "AIMessageChunk" },
            { langgraph_node: "agent", langgraph_step: 1 },
          ],
          20,
        ],
        [
          "messages",
          [
            { ...ai("lo", 12), type: "AIMessageChunk" },
            { langgraph_node: "agent", langgraph_step: 1 },
          ],
          60,
        ],
        ["values", { messages: [ai("Hello", 12)] }, 70],
      ),
    );
    expect(steps).toEqual([
      { id: "agent#1", node: "agent", namespace: [], startedAt: at(20), endedAt: at(70), status: "success", tokens: 12, eventIds: [3, 4] },
    ]);
    expect(meta.map((e) => e.node)).toEqual([null, null, "agent", "agent", null]);
    expect(meta[2]!.at).toEqual(at(20));
  });

  it("updates end each node's step, which starts where the previous update of its graph left off; a subgraph's steps carry its node", () => {
    const { steps } = traceOf(
      { status: "success" },
      events(
        ["metadata", {}, 0],
        ["updates", { plan: { topic: "x" } }, 10],
        ["updates|research:1f0-task", { gather: { notes: ["a"] } }, 30],
        ["updates", { research: { notes: ["a"] } }, 40],
      ),
    );
    expect(
      steps.map((s) => [s.node, s.namespace, s.startedAt.getTime() - at(0).getTime(), s.endedAt!.getTime() - at(0).getTime()]),
    ).toEqual([
      ["plan", [], 0, 10],
      ["gather", ["research"], 0, 30],
      ["research", [], 10, 40],
    ]);
  });

  it("tasks give exact starts and results; an error, an interrupt and a task still running each show as such", () => {
    const { steps } = traceOf(
      { status: "running" },
      events(
        ["tasks", { id: "t1", name: "ask", input: {}, triggers: ["start:ask"] }, 10],
        ["tasks", { id: "t1", name: "ask", result: [], error: null, interrupts: [{ value: "ok?" }] }, 25],
        ["tasks", { id: "t2", name: "tool", input: {}, triggers: [] }, 30],
        ["tasks", { id: "t2", name: "tool", result: [], error: "boom", interrupts: [] }, 45],
        ["tasks", { id: "t3", name: "agent", input: {}, triggers: [] }, 50],
        ["updates", { agent: { messages: [] } }, 55],
      ),
    );
    expect(steps.map((s) => [s.id, s.status, s.endedAt?.getTime() ?? null])).toEqual([
      ["t1", "interrupted", at(25).getTime()],
      ["t2", "error", at(45).getTime()],
      ["t3", "running", null],
    ]);
    expect(steps[2]!.eventIds).toEqual([5, 6]);
  });

  it("a step left open when the run ended takes the run's outcome; an error event fails the steps under way", () => {
    const cancelled = traceOf(
      { status: "interrupted" },
      events(["messages", [ai("a"), { langgraph_node: "agent" }], 10], ["metadata", {}, 20]),
    );
    expect(cancelled.steps.map((s) => [s.status, s.endedAt])).toEqual([["interrupted", at(20)]]);
    const failed = traceOf(
      { status: "error" },
      events(["messages", [ai("a"), { langgraph_node: "agent" }], 10], ["error", { message: "x" }, 15]),
    );
    expect(failed.steps.map((s) => [s.status, s.endedAt])).toEqual([["error", at(15)]]);
  });

  it("a run streamed with values alone: its supersteps, the first values being the state it started from", () => {
    const { steps } = traceOf({ status: "success" }, events(["values", { n: 0 }, 0], ["values", { n: 1 }, 10], ["values", { n: 2 }, 30]));
    expect(steps.map((s) => [s.node, s.eventIds])).toEqual([
      ["step 1", [2]],
      ["step 2", [3]],
    ]);
  });
});
