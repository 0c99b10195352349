import { describe, expect, it } from "vitest";
import {
  applyItem,
  EMPTY_STREAM,
  latestReply,
  logLineOf,
  nodeStepOf,
  type StreamItem,
  type StreamState,
} from "../src/components/run-detail/stream-state.ts";

// Items typed as runs.stream yields them (StreamItem is inferred from the router): a change of that shape fails the typecheck here.
const human = { type: "human", id: "h1", content: "hello there" };
const items: StreamItem[] = [
  { id: "1", data: { type: "event", event: "metadata", data: { run_id: "r1" } } },
  { id: "2", data: { type: "event", event: "values", data: { messages: [human] } } },
  { id: "3", data: { type: "event", event: "messages", data: [{ type: "AIMessageChunk", id: "a1", content: "You said" }, {}] } },
  { id: "4", data: { type: "event", event: "messages", data: [{ type: "AIMessageChunk", id: "a1", content: ": hello" }, {}] } },
  { id: "5", data: { type: "gap", fromId: 5, toId: 5 } },
  { id: "end", data: { type: "end", status: "success" } },
];

const replay = (list: StreamItem[], from: StreamState = EMPTY_STREAM) => list.reduce(applyItem, from);

describe("the run page's stream state", () => {
  it("logs every event, grows the reply from token chunks and ends with the run's status", () => {
    const state = replay(items);
    expect(state.log.map((e) => e.event)).toEqual(["metadata", "values", "messages", "messages", "gap"]);
    expect(state.log[4]!.summary).toBe("events 5–5 are no longer available");
    expect(latestReply(state)).toBe("You said: hello");
    expect(state.endStatus).toBe("success");
    expect(state.lastEventId).toBe("end");
  });

  it("ignores what a resumed stream sends again", () => {
    const resumed = replay(items.slice(2), replay(items.slice(0, 4)));
    expect(resumed).toEqual(replay(items));
  });
});

describe("the event log's lines", () => {
  it("shows a protocol run's events by method, subgraph and node, with their own data", () => {
    expect(logLineOf("protocol:lifecycle", { namespace: [], data: { event: "running" } })).toEqual({
      event: "lifecycle",
      summary: '{"event":"running"}',
    });
    expect(logLineOf("protocol:updates", { namespace: ["research:6d6a93f9-b3d5"], node: "gather", data: { lookups: 1 } })).toEqual({
      event: "updates · research › gather",
      summary: '{"lookups":1}',
    });
  });

  it("leaves other events as they are", () => {
    expect(logLineOf("values", { steps: ["plan"] })).toEqual({ event: "values", summary: '{"steps":["plan"]}' });
    expect(logLineOf("protocol:values", "odd")).toEqual({ event: "protocol:values", summary: '"odd"' });
  });
});

describe("the run's path through its graph", () => {
  const ev = (id: string, event: string, data: unknown): StreamItem => ({ id, data: { type: "event", event, data } });

  it("a node streaming tokens is the one working; the state values that follow end its step; each node is kept once", () => {
    const chunk = (id: string, node: string) => ev(id, "messages", [{ type: "AIMessageChunk", content: "x" }, { langgraph_node: node }]);
    const working = replay([ev("1", "values", { messages: [] }), chunk("2", "agent"), chunk("3", "agent")]);
    expect(working.visited).toEqual(["agent"]);
    expect(working.current).toBe("agent");
    const done = replay([ev("4", "values", { messages: [] }), chunk("5", "tools")], working);
    expect(done.visited).toEqual(["agent", "tools"]);
    expect(replay([ev("6", "values", {})], done).current).toBeNull();
  });

  it("names nodes from updates, tasks, debug and protocol events; a subgraph's events are its parent node's", () => {
    expect(nodeStepOf("updates", { plan: {}, __interrupt__: [] })).toEqual({ nodes: ["plan"], phase: "end" });
    expect(nodeStepOf("updates|research:1f0-77", { gather: {} })).toEqual({ nodes: ["research"], phase: "start" });
    expect(nodeStepOf("tasks", { id: "t", name: "ask", input: {}, triggers: [] })).toEqual({ nodes: ["ask"], phase: "start" });
    expect(nodeStepOf("debug", { type: "task_result", payload: { id: "t", name: "ask", result: [] } })).toEqual({
      nodes: ["ask"],
      phase: "end",
    });
    expect(nodeStepOf("protocol:updates", { namespace: [], node: "write", data: {} })).toEqual({ nodes: ["write"], phase: "end" });
    expect(nodeStepOf("protocol:messages", { namespace: ["research:9"], data: [] })).toEqual({ nodes: ["research"], phase: "start" });
    expect(nodeStepOf("values", { messages: [] })).toBeNull();
  });
});
