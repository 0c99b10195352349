import { expect, test } from "@lgrs/playwright";
import type { ModelScript } from "@lgrs/playwright";

/** The model asks the user first; once answered, it replies. */
const SCRIPT: ModelScript = {
  turns: [{ toolCalls: [{ name: "ask_user", args: { question: "Which city?" } }] }, { content: "Looking at Lisbon for you." }],
};

test.beforeEach(async ({ resetData }) => {
  await resetData();
});

test("the agent stops at a question and goes on once it is answered", async ({ api, waitForInterrupt, waitForRun }) => {
  const thread = await api.sdk.threads.create();
  const config = { configurable: { model_script: SCRIPT } };
  const first = await api.sdk.runs.create(thread.thread_id, "weather", {
    input: { messages: [{ role: "user", content: "What is the weather?" }] },
    config,
  });

  const paused = await waitForInterrupt(thread.thread_id);
  expect(paused.interrupts.map((i) => i.value)).toEqual([{ question: "Which city?" }]);
  expect((await api.trpc.runs.get.query({ runId: first.run_id })).status).toBe("success");

  const resumed = await api.sdk.runs.create(thread.thread_id, "weather", { command: { resume: "Lisbon" }, config });
  await waitForRun(resumed.run_id, "success");
  const state = await api.sdk.threads.getState<{ messages: { type: string; content: string }[] }>(thread.thread_id);
  expect(state.values.messages.map((m) => [m.type, m.content])).toEqual([
    ["human", "What is the weather?"],
    ["ai", ""],
    ["tool", "Lisbon"],
    ["ai", "Looking at Lisbon for you."],
  ]);
});
