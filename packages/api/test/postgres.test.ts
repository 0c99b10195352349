/**
 * The API over PostgreSQL: the other API tests run the server on SQLite; this one
 * runs the paths whose SQL differs by provider (JSON metadata filters, grouped
 * usage and feedback sums, rollback) against a server on a fresh PostgreSQL database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testTargets } from "@lgrs/db/testing";
import { record } from "./support/recorder.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

const postgres = testTargets.filter((t) => t.provider === "postgresql");

describe.each(postgres)("the API on $provider", (target) => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ target })), 120_000);
  afterAll(() => server?.stop());

  it("runs an agent, streams it, and sums its tokens and feedback", async () => {
    const { client } = await server.user();
    const thread = await client.threads.create.mutate({ metadata: { team: "pg" } });
    await client.threads.create.mutate({ metadata: { team: "other" } });
    const listed = await client.threads.list.query({ metadata: { team: "pg" } });
    expect(listed.items.map((t) => t.id)).toEqual([thread.id]);

    const run = await client.runs.create.mutate({
      threadId: thread.id,
      assistantId: "agent",
      input: { messages: [{ role: "user", content: "hello postgres" }] },
      streamMode: ["messages-tuple"],
    });
    const stream = record<{ id: string; data: { type: string; status?: string } }>((h) =>
      client.runs.stream.subscribe({ runId: run.id }, h),
    );
    const end = await stream.waitFor((i) => i.data.type === "end");
    expect(end.data.status).toBe("success");
    expect(stream.items.filter((i) => i.data.type === "event").length).toBeGreaterThan(2);

    const finished = await client.runs.get.query({ runId: run.id });
    const byThread = await client.usage.byThread.query({ threadId: thread.id });
    expect(byThread.total.totalTokens).toBe(finished.totalTokens);
    expect(byThread.byModel.map((m) => m.model)).toEqual(["fake-chat-1"]);
    const from = new Date(Date.now() - 3_600_000);
    const hourly = await client.usage.summary.query({ from, bucket: "hour", groupBy: "caller" });
    expect(hourly.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(finished.totalTokens);
    const top = await client.usage.top.query({ by: "thread" });
    expect(top[0]).toMatchObject({ id: thread.id });

    await client.feedback.create.mutate({ runId: run.id, key: "helpful", score: 1 });
    await client.feedback.create.mutate({ runId: run.id, key: "helpful", score: 0 });
    expect(await client.feedback.summary.query()).toEqual([{ key: "helpful", count: 1, meanScore: 0 }]);
  });

  it("rolls a running run back to the thread's state before it", async () => {
    const { client } = await server.user();
    const thread = await client.threads.create.mutate({});
    const first = await client.runs.create.mutate({
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 20 } },
    });
    await client.runs.join.query({ runId: first.id });
    const before = await client.threads.state.query({ threadId: thread.id });

    const second = await client.runs.create.mutate({
      threadId: thread.id,
      assistantId: "slow",
      input: {},
      config: { configurable: { step_delay_ms: 300 } },
    });
    const events = record<{ data: { type: string; event?: string } }>((h) => client.runs.stream.subscribe({ runId: second.id }, h));
    await events.waitFor((i) => i.data.type === "event" && i.data.event === "values");
    const cancelled = await client.runs.cancel.mutate({ runId: second.id, action: "rollback", wait: true });
    events.stop();
    expect(cancelled.status).toBe("interrupted");
    expect(cancelled.rolledBackAt).toBeInstanceOf(Date);
    const after = await client.threads.state.query({ threadId: thread.id });
    expect(after.values).toEqual(before.values);
    expect(after.checkpoint).toEqual(before.checkpoint);
  });
});
