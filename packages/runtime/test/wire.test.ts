import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { toWire } from "../src/runs/wire.ts";

describe("toWire: graph output as LangGraph's server sends it", () => {
  const messages = [
    new HumanMessage({ content: "hi", id: "h1", name: "ann" }),
    new SystemMessage({ content: "be brief", id: "s1" }),
    new AIMessage({
      content: "",
      id: "a1",
      tool_calls: [{ id: "c1", name: "search", args: { q: "x" }, type: "tool_call" }],
      usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      response_metadata: { model: "m" },
    }),
    new ToolMessage({ content: "found", tool_call_id: "c1", id: "t1" }),
  ];

  it("sends each message as its dict (toDict's data) with its type, nested anywhere in the state", () => {
    const wire = toWire({ messages, nested: { last: messages[2] } }) as { messages: Record<string, unknown>[]; nested: { last: unknown } };
    expect(wire.messages).toEqual(messages.map((m) => JSON.parse(JSON.stringify({ ...m.toDict().data, type: m.getType() }))));
    // a SystemMessage has `concat` too: it is still "system", not a chunk
    expect(wire.messages.map((m) => m["type"])).toEqual(["human", "system", "ai", "tool"]);
    expect(wire.messages[2]).toMatchObject({ id: "a1", tool_calls: [{ id: "c1", name: "search", args: { q: "x" } }] });
    expect(wire.nested.last).toEqual(wire.messages[2]);
  });

  it("names a chunk by its class, as a messages-tuple event carries it with its metadata", () => {
    const chunk = new AIMessageChunk({ content: "tok", id: "run-1" });
    expect(toWire([chunk, { langgraph_node: "agent" }])).toEqual([
      { ...JSON.parse(JSON.stringify(chunk.toDict().data)), type: "AIMessageChunk" },
      { langgraph_node: "agent" },
    ]);
  });

  it("passes plain values through JSON: dates as text, no undefined, no callbacks; undefined alone is null", () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    expect(toWire({ at, gone: undefined, list: [undefined, 1], callbacks: [{ handler: true }], n: Number.NaN })).toEqual({
      at: at.toISOString(),
      list: [null, 1],
      n: null,
    });
    expect(toWire(undefined)).toBeNull();
  });
});
