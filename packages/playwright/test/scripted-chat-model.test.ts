/** ScriptedChatModel on its own: the turns it answers with, in order, and the failures a script can ask for. */
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { ScriptedChatModel } from "../src/scripted-chat-model.ts";

const model = new ScriptedChatModel({
  script: {
    model: "scripted-test",
    turns: [
      { toolCalls: [{ name: "get_weather", args: { city: "Rome" } }], usage: { input_tokens: 7, output_tokens: 3 } },
      { content: "Warm in Rome.", tokenDelayMs: 5 },
      { error: "the provider is down" },
    ],
  },
});

describe("ScriptedChatModel", () => {
  it("answers the Nth call with the Nth turn: tool calls, then text streamed a word at a time, with usage", async () => {
    const human = new HumanMessage("Weather in Rome?");
    const first = await model.invoke([human]);
    expect(first.tool_calls).toEqual([{ name: "get_weather", args: { city: "Rome" }, id: "call_0_0", type: "tool_call" }]);
    expect(first.usage_metadata).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });

    const history = [
      human,
      new AIMessage({ content: "", tool_calls: first.tool_calls ?? [] }),
      new ToolMessage({ content: "sunny", tool_call_id: "call_0_0" }),
    ];
    const chunks: string[] = [];
    for await (const chunk of await model.stream(history)) chunks.push(String(chunk.content));
    expect(chunks).toEqual(["Warm ", "in ", "Rome."]);
    const second = await model.invoke(history);
    expect(second.content).toBe("Warm in Rome.");
    expect(second.response_metadata).toMatchObject({ model_name: "scripted-test" });
    // counted when the script gives no usage: words and punctuation in and out
    expect(second.usage_metadata).toMatchObject({ output_tokens: 4 });
  });

  it("fails a call the script says fails, and a call past the script's end", async () => {
    const two = [new HumanMessage("a"), new AIMessage("b"), new AIMessage("c")];
    await expect(model.invoke(two)).rejects.toThrow("the provider is down");
    await expect(model.invoke([...two, new AIMessage("d")])).rejects.toThrow("the script has 3 turn(s), and this is call 4");
    await expect(new ScriptedChatModel().invoke([new HumanMessage("x")])).rejects.toThrow(
      /no script: give the run config\.configurable\.model_script/,
    );
  });
});
