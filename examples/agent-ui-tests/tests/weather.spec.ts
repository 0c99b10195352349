import { expect, test } from "@lgrs/playwright";
import type { ModelScript } from "@lgrs/playwright";

/** The model looks the weather up, then answers: two scripted turns, slow enough to watch the answer arrive. */
const SCRIPT: ModelScript = {
  model: "scripted-weather",
  turns: [
    { toolCalls: [{ name: "get_weather", args: { city: "Paris" } }], usage: { input_tokens: 12, output_tokens: 5 } },
    { content: "It is sunny and 21 °C in Paris today.", tokenDelayMs: 40, usage: { input_tokens: 30, output_tokens: 9 } },
  ],
};

test.beforeEach(async ({ resetData }) => {
  await resetData();
});

test("the agent calls the weather tool, streams its answer and records its usage", async ({ api, streamUntil, waitForRun }) => {
  const thread = await api.sdk.threads.create();
  const run = await api.sdk.runs.create(thread.thread_id, "weather", {
    input: { messages: [{ role: "user", content: "What is the weather in Paris?" }] },
    config: { configurable: { model_script: SCRIPT } },
    streamMode: ["messages-tuple", "values"],
  });

  // the tool's answer reaches the state before the model's reply
  const toolResult = await streamUntil(
    run.run_id,
    (e) => e.event === "values" && JSON.stringify(e.data).includes("sunny and 21 °C in Paris."),
  );
  expect(toolResult.event).toBe("values");

  const done = await waitForRun(run.run_id, "success");
  expect(done.threadId).toBe(thread.thread_id);
  const state = await api.sdk.threads.getState<{ messages: { type: string; content: string }[] }>(thread.thread_id);
  expect(state.values.messages.map((m) => m.type)).toEqual(["human", "ai", "tool", "ai"]);
  expect(state.values.messages.at(-1)?.content).toBe("It is sunny and 21 °C in Paris today.");

  const usage = await api.trpc.usage.byRun.query({ runId: run.run_id });
  expect(usage.total).toMatchObject({ inputTokens: 42, outputTokens: 14 });
});

test("the dashboard shows the run's reply to a signed-in operator", async ({ api, signedInPage: page, waitForRun }) => {
  const thread = await api.trpc.threads.create.mutate({});
  const run = await api.trpc.runs.create.mutate({
    threadId: thread.id,
    assistantId: "weather",
    input: { messages: [{ role: "user", content: "Weather in Oslo?" }] },
    config: { configurable: { model_script: { turns: [{ content: "Snow in Oslo." }] } } },
  });
  await waitForRun(run.id, "success");
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByRole("status", { name: "Run status" })).toHaveText("success");
  await expect(page.getByRole("region", { name: "Agent reply" })).toHaveText("Snow in Oslo.");
});

test("resetData leaves an empty slate", async ({ api, resetData, waitForRun }) => {
  const thread = await api.trpc.threads.create.mutate({});
  const run = await api.trpc.runs.create.mutate({
    threadId: thread.id,
    assistantId: "weather",
    input: { messages: [{ role: "user", content: "hi" }] },
    config: { configurable: { model_script: { turns: [{ content: "Hello." }] } } },
  });
  await waitForRun(run.id, "success");
  expect(await api.trpc.threads.count.query({})).toBe(1);
  await resetData();
  expect(await api.trpc.threads.count.query({})).toBe(0);
  expect((await api.trpc.runs.list.query({})).items).toEqual([]);
});
