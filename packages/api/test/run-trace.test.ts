/**
 * `runs.trace` over HTTP: a run's steps as the typed client reads them, built
 * from the events the run recorded, whichever stream modes it used.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => (server = await startTestServer()), 120_000);
afterAll(() => server?.stop());

it("a run streamed with updates: one step per node, in order, each ending after it started; every event has its time", async () => {
  const { client } = await server.user();
  const { id: threadId } = await client.threads.create.mutate({});
  const run = await client.runs.create.mutate({
    threadId,
    assistantId: "slow",
    input: {},
    streamMode: ["updates"],
    config: { configurable: { step_delay_ms: 20 } },
  });
  await client.runs.join.query({ runId: run.id });

  const trace = await client.runs.trace.query({ runId: run.id });
  expect(trace.steps.map((s) => [s.node, s.status])).toEqual(["plan", "research", "draft", "review", "publish"].map((n) => [n, "success"]));
  for (const [i, step] of trace.steps.entries()) {
    expect(step.endedAt!.getTime()).toBeGreaterThanOrEqual(step.startedAt.getTime());
    // a node waits 20 ms: its step lasts at least that long (it starts where the previous one ended)
    expect(step.endedAt!.getTime() - step.startedAt.getTime()).toBeGreaterThanOrEqual(15);
    if (i > 0) expect(step.startedAt.getTime()).toBeGreaterThanOrEqual(trace.steps[i - 1]!.endedAt!.getTime());
  }
  // the metadata event, then one update per node
  expect(trace.events.map((e) => e.node)).toEqual([null, "plan", "research", "draft", "review", "publish"]);
  expect(trace.events.every((e) => e.at instanceof Date)).toBe(true);
});

it("a chat run streamed with messages-tuple: its model node is a step with the tokens the run was charged", async () => {
  const { client } = await server.user();
  const { id: threadId } = await client.threads.create.mutate({});
  const run = await client.runs.create.mutate({
    threadId,
    assistantId: "agent",
    input: { messages: [{ role: "user", content: "count my tokens" }] },
    streamMode: ["values", "messages-tuple"],
    config: { configurable: { token_delay_ms: 0 } },
  });
  const done = await client.runs.join.query({ runId: run.id });

  const { steps } = await client.runs.trace.query({ runId: run.id });
  expect(steps).toHaveLength(1);
  expect(steps[0]).toMatchObject({ node: "agent", namespace: [], status: "success" });
  expect(steps[0]!.tokens).toBeGreaterThan(0);
  expect(steps[0]!.tokens).toBe(done.totalTokens);
});
