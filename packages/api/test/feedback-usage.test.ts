/**
 * The `feedback` and `usage` procedures over HTTP: what a user sees of scores
 * given to runs and of the tokens their runs used, validation and isolation.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { expectCode, expectInvalidField } from "./support/api-errors.ts";

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;

type RunRow = Awaited<ReturnType<ApiClient["runs"]["get"]["query"]>>;

/** when this file's runs started: every row the tests look at is newer */
let startedAt: Date;
/** Alice: two agent runs on thread A, one on thread B, one trivial run (no model, no tokens) on thread T */
let threadA: string;
let threadB: string;
let threadT: string;
let runA1: RunRow;
let runA2: RunRow;
let runB: RunRow;
let runT: RunRow;
/** Bob: one agent run of his own */
let bobThread: string;
let bobRun: RunRow;

const chat = (text: string) => ({
  input: { messages: [{ role: "user", content: text }] },
  config: { configurable: { token_delay_ms: 1 } },
});

async function runOn(client: ApiClient, threadId: string, assistantId: string, extra: Record<string, unknown>): Promise<RunRow> {
  const run = await client.runs.create.mutate({ threadId, assistantId, ...extra });
  const done = await client.runs.join.query({ runId: run.id });
  expect(done.status).toBe("success");
  // the run as runs.get shows it, with its token totals
  return client.runs.get.query({ runId: run.id });
}

beforeAll(async () => {
  server = await startTestServer();
  const [a, b] = await Promise.all([server.user(), server.user()]);
  alice = a.client;
  bob = b.client;
  startedAt = new Date();

  [threadA, threadB, threadT, bobThread] = await Promise.all([
    alice.threads.create.mutate({}).then((t) => t.id),
    alice.threads.create.mutate({}).then((t) => t.id),
    alice.threads.create.mutate({}).then((t) => t.id),
    bob.threads.create.mutate({}).then((t) => t.id),
  ]);
  [runA1, runB, runT, bobRun] = await Promise.all([
    runOn(alice, threadA, "agent", chat("first question on thread A")),
    runOn(alice, threadB, "agent", chat("B")),
    runOn(alice, threadT, "trivial", { input: {} }),
    runOn(bob, bobThread, "agent", chat("bob asks something")),
  ]);
  // the second turn carries the first one as input: thread A uses the most tokens
  runA2 = await runOn(alice, threadA, "agent", chat("second question on thread A"));
}, 120_000);
afterAll(() => server?.stop());

/** Bypasses the input types, to send what a buggy or hand-written client would. */
const loose = <T>(value: unknown): T => value as T;

const tokensOf = (run: RunRow) => ({ inputTokens: run.inputTokens, outputTokens: run.outputTokens, totalTokens: run.totalTokens });
const sumTokens = (...runs: RunRow[]) => ({
  inputTokens: runs.reduce((n, r) => n + r.inputTokens, 0),
  outputTokens: runs.reduce((n, r) => n + r.outputTokens, 0),
  totalTokens: runs.reduce((n, r) => n + r.totalTokens, 0),
});
const minutes = (n: number) => n * 60_000;

describe("feedback", () => {
  let correctnessA1: string;

  it("creates feedback on a run, with its value and comment", async () => {
    const row = await alice.feedback.create.mutate({
      runId: runA1.id,
      key: "correctness",
      score: 0.2,
      value: { labels: ["partial"] },
      comment: "close",
    });
    expect(row).toMatchObject({
      runId: runA1.id,
      threadId: threadA,
      key: "correctness",
      score: 0.2,
      value: { labels: ["partial"] },
      comment: "close",
    });
    correctnessA1 = row.id;
  });

  it("a second feedback with the same key on the same run replaces the first", async () => {
    const first = (await alice.feedback.list.query({ runId: runA1.id })).items.find((f) => f.id === correctnessA1)!;
    const again = await alice.feedback.create.mutate({ runId: runA1.id, key: "correctness", score: 0.8 });
    expect(again.id).toBe(correctnessA1);
    expect(again.score).toBe(0.8);
    expect(again.comment).toBeNull();
    expect(again.createdAt).toEqual(first.createdAt);

    const listed = await alice.feedback.list.query({ runId: runA1.id });
    expect(listed.items.filter((f) => f.key === "correctness")).toEqual([again]);
  });

  it("lists a run's feedback and a thread's feedback, newest first", async () => {
    const helpful = await alice.feedback.create.mutate({ runId: runA1.id, key: "helpfulness", score: 1 });
    const onA2 = await alice.feedback.create.mutate({ runId: runA2.id, key: "correctness", score: 0.4 });
    const onT = await alice.feedback.create.mutate({ runId: runT.id, key: "correctness", score: 0 });

    const byRun = await alice.feedback.list.query({ runId: runA1.id });
    expect(byRun.items.map((f) => f.key).sort()).toEqual(["correctness", "helpfulness"]);
    expect(byRun.items.every((f) => f.runId === runA1.id)).toBe(true);

    const byThread = await alice.feedback.list.query({ threadId: threadA });
    expect(byThread.items.map((f) => f.id).sort()).toEqual([correctnessA1, helpful.id, onA2.id].sort());
    for (let i = 1; i < byThread.items.length; i++) {
      expect(byThread.items[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(byThread.items[i]!.createdAt.getTime());
    }
    expect((await alice.feedback.list.query({ threadId: threadT })).items.map((f) => f.id)).toEqual([onT.id]);
    expect((await alice.feedback.list.query({ threadId: threadB })).items).toEqual([]);

    // pages of one cover the same rows
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Awaited<ReturnType<typeof alice.feedback.list.query>> = await alice.feedback.list.query({
        threadId: threadA,
        limit: 1,
        cursor,
      });
      ids.push(...page.items.map((f) => f.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(ids).toEqual(byThread.items.map((f) => f.id));
  });

  it("summarises count and mean score per key", async () => {
    const summary = await alice.feedback.summary.query();
    expect(summary.map((s) => s.key)).toEqual(["correctness", "helpfulness"]);
    const correctness = summary.find((s) => s.key === "correctness")!;
    expect(correctness.count).toBe(3);
    expect(correctness.meanScore).toBeCloseTo((0.8 + 0.4 + 0) / 3, 10);
    expect(summary.find((s) => s.key === "helpfulness")).toEqual({ key: "helpfulness", count: 1, meanScore: 1 });
  });

  it("summarises one assistant's runs", async () => {
    const agent = await alice.feedback.summary.query({ assistantId: runA1.assistantId });
    expect(agent.map((s) => [s.key, s.count])).toEqual([
      ["correctness", 2],
      ["helpfulness", 1],
    ]);
    expect(agent.find((s) => s.key === "correctness")!.meanScore).toBeCloseTo(0.6, 10);

    const trivial = await alice.feedback.summary.query({ assistantId: runT.assistantId });
    expect(trivial).toEqual([{ key: "correctness", count: 1, meanScore: 0 }]);

    // the graph id stands for its default assistant, as in runs.create
    expect(await alice.feedback.summary.query({ assistantId: "agent" })).toEqual(agent);
    expect(await alice.feedback.summary.query({ assistantId: "trivial" })).toEqual(trivial);

    expect(await alice.feedback.summary.query({ assistantId: "slow" })).toEqual([]);
    await expectCode(alice.feedback.summary.query({ assistantId: "no-such-graph" }), "NOT_FOUND");
    await expectCode(alice.feedback.summary.query({ assistantId: randomUUID() }), "NOT_FOUND");
  });

  it("summarises a time window", async () => {
    const now = Date.now();
    const around = await alice.feedback.summary.query({ from: new Date(startedAt.getTime() - 1000), to: new Date(now + minutes(1)) });
    expect(around).toEqual(await alice.feedback.summary.query());
    expect(await alice.feedback.summary.query({ from: new Date(now + minutes(1)) })).toEqual([]);
    expect(await alice.feedback.summary.query({ to: new Date(startedAt.getTime() - 1000) })).toEqual([]);
    // `to` is exclusive and `from` inclusive: a window that ends before the first feedback counts none
    expect(await alice.feedback.summary.query({ from: new Date(now - minutes(60)), to: new Date(startedAt.getTime() - 1) })).toEqual([]);
  });

  it("deletes feedback", async () => {
    const temp = await alice.feedback.create.mutate({ runId: runB.id, key: "temporary", score: 3 });
    expect((await alice.feedback.summary.query()).map((s) => s.key)).toContain("temporary");

    expect(await alice.feedback.delete.mutate({ feedbackId: temp.id })).toEqual({ feedbackId: temp.id, deleted: true });
    expect((await alice.feedback.list.query({ runId: runB.id })).items).toEqual([]);
    expect((await alice.feedback.summary.query()).map((s) => s.key)).not.toContain("temporary");
    await expectCode(alice.feedback.delete.mutate({ feedbackId: temp.id }), "NOT_FOUND");
  });

  it("is NOT_FOUND for a run or thread that does not exist", async () => {
    await expectCode(alice.feedback.create.mutate({ runId: randomUUID(), key: "k", score: 1 }), "NOT_FOUND");
    await expectCode(alice.feedback.list.query({ runId: randomUUID() }), "NOT_FOUND");
    await expectCode(alice.feedback.list.query({ threadId: randomUUID() }), "NOT_FOUND");
    await expectCode(alice.feedback.delete.mutate({ feedbackId: randomUUID() }), "NOT_FOUND");
  });

  describe("validation", () => {
    it("a score that is not a number is BAD_REQUEST naming score", async () => {
      await expectInvalidField(alice.feedback.create.mutate({ runId: runA1.id, key: "k", score: loose<number>("0.5") }), "score");
      await expectInvalidField(alice.feedback.create.mutate({ runId: runA1.id, key: "k", score: Number.NaN }), "score");
      await expectInvalidField(alice.feedback.create.mutate({ runId: runA1.id, key: "k", score: Number.POSITIVE_INFINITY }), "score");
      await expectInvalidField(alice.feedback.create.mutate(loose({ runId: runA1.id, key: "k" })), "score");
    });

    it("a missing or blank key is BAD_REQUEST naming key", async () => {
      await expectInvalidField(alice.feedback.create.mutate(loose({ runId: runA1.id, score: 1 })), "key");
      await expectInvalidField(alice.feedback.create.mutate({ runId: runA1.id, key: "   ", score: 1 }), "key");
      // nothing was stored
      expect((await alice.feedback.list.query({ runId: runA1.id })).items.map((f) => f.key).sort()).toEqual(["correctness", "helpfulness"]);
    });

    it("a bad run id or an unknown field is BAD_REQUEST naming it", async () => {
      await expectInvalidField(alice.feedback.create.mutate({ runId: "run-1", key: "k", score: 1 }), "runId", /uuid/i);
      await expectInvalidField(
        alice.feedback.create.mutate(loose({ runId: runA1.id, key: "k", score: 1, rating: 5 })),
        "rating",
        /unknown field/,
      );
      await expectInvalidField(alice.feedback.delete.mutate({ feedbackId: "x" }), "feedbackId");
      await expectInvalidField(alice.feedback.summary.query(loose({ from: "yesterday" })), "from");
    });

    it("list needs exactly one of runId and threadId", async () => {
      await expectInvalidField(alice.feedback.list.query({ runId: runA1.id, threadId: threadA }), "runId", /exactly one/);
      await expectInvalidField(alice.feedback.list.query({}), "runId", /exactly one/);
    });
  });

  describe("isolation", () => {
    it("another user cannot give feedback on, or list, a foreign run or thread", async () => {
      await expectCode(bob.feedback.create.mutate({ runId: runA1.id, key: "correctness", score: 0 }), "NOT_FOUND");
      await expectCode(bob.feedback.list.query({ runId: runA1.id }), "NOT_FOUND");
      await expectCode(bob.feedback.list.query({ threadId: threadA }), "NOT_FOUND");
      // nothing of bob's landed on alice's run
      const listed = await alice.feedback.list.query({ runId: runA1.id });
      expect(listed.items.find((f) => f.key === "correctness")?.score).toBe(0.8);
    });

    it("another user cannot delete foreign feedback", async () => {
      await expectCode(bob.feedback.delete.mutate({ feedbackId: correctnessA1 }), "NOT_FOUND");
      expect((await alice.feedback.list.query({ runId: runA1.id })).items.map((f) => f.id)).toContain(correctnessA1);
    });

    it("summaries count only the caller's own feedback; the admin's counts everyone's", async () => {
      await bob.feedback.create.mutate({ runId: bobRun.id, key: "correctness", score: 1 });
      expect(await bob.feedback.summary.query()).toEqual([{ key: "correctness", count: 1, meanScore: 1 }]);
      expect(await bob.feedback.summary.query({ assistantId: runA1.assistantId })).toEqual([
        { key: "correctness", count: 1, meanScore: 1 },
      ]);

      const aliceSummary = await alice.feedback.summary.query();
      expect(aliceSummary.find((s) => s.key === "correctness")!.count).toBe(3);

      const all = await server.admin.feedback.summary.query();
      const correctness = all.find((s) => s.key === "correctness")!;
      expect(correctness.count).toBe(4);
      expect(correctness.meanScore).toBeCloseTo((0.8 + 0.4 + 0 + 1) / 4, 10);
    });
  });
});

describe("usage", () => {
  it("byRun shows the run's tokens by model and by caller, equal to the run's totals", async () => {
    expect(runA1.totalTokens).toBeGreaterThan(0);
    expect(runA1.totalTokens).toBe(runA1.inputTokens + runA1.outputTokens);

    const usage = await alice.usage.byRun.query({ runId: runA1.id });
    const totals = tokensOf(runA1);
    expect(usage.total).toEqual({ ...totals, calls: 1 });
    expect(usage.byModel).toEqual([{ model: "fake-chat-1", ...totals, calls: 1 }]);
    expect(usage.byCaller).toEqual([{ caller: "lead_agent", ...totals, calls: 1 }]);
  });

  it("a run that called no model used no tokens", async () => {
    expect(runT.totalTokens).toBe(0);
    expect(await alice.usage.byRun.query({ runId: runT.id })).toEqual({
      total: { inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 },
      byModel: [],
      byCaller: [],
    });
  });

  it("byThread adds up the thread's runs", async () => {
    const usage = await alice.usage.byThread.query({ threadId: threadA });
    const totals = sumTokens(runA1, runA2);
    expect(usage.total).toEqual({ ...totals, calls: 2 });
    expect(usage.byModel).toEqual([{ model: "fake-chat-1", ...totals, calls: 2 }]);
    expect(usage.byCaller).toEqual([{ caller: "lead_agent", ...totals, calls: 2 }]);
    // the second turn read the first: more input
    expect(runA2.inputTokens).toBeGreaterThan(runA1.inputTokens);
  });

  it("summary in hour buckets, by model and by caller, adds up to every run's tokens", async () => {
    const from = new Date(startedAt.getTime() - minutes(60));
    const to = new Date(Date.now() + minutes(1));
    const all = sumTokens(runA1, runA2, runB);

    const byModel = await alice.usage.summary.query({ from, to, bucket: "hour", groupBy: "model" });
    expect(byModel.length).toBeGreaterThan(0);
    expect(new Set(byModel.map((b) => b.group))).toEqual(new Set(["fake-chat-1"]));
    for (const b of byModel) {
      expect(b.start).toBeInstanceOf(Date);
      expect([b.start.getUTCMinutes(), b.start.getUTCSeconds(), b.start.getUTCMilliseconds()]).toEqual([0, 0, 0]);
      expect(b.start.getTime()).toBeLessThan(to.getTime());
    }
    expect(byModel.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(all.totalTokens);
    expect(byModel.reduce((n, b) => n + b.totals.inputTokens, 0)).toBe(all.inputTokens);
    expect(byModel.reduce((n, b) => n + b.totals.calls, 0)).toBe(3);

    const byCaller = await alice.usage.summary.query({ from, to, groupBy: "caller" });
    expect(new Set(byCaller.map((b) => b.group))).toEqual(new Set(["lead_agent"]));
    expect(byCaller.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(all.totalTokens);

    // `to` defaults to now, and hour buckets are the default
    const untilNow = await alice.usage.summary.query({ from });
    expect(untilNow).toEqual(byModel);
  });

  it("summary in day buckets", async () => {
    const from = new Date(startedAt.getTime() - 3 * 86_400_000);
    const to = new Date(Date.now() + minutes(1));
    const all = sumTokens(runA1, runA2, runB);
    const byDay = await alice.usage.summary.query({ from, to, bucket: "day", groupBy: "model" });
    for (const b of byDay) expect([b.start.getUTCHours(), b.start.getUTCMinutes()]).toEqual([0, 0]);
    expect(byDay.map((b) => b.group)).toEqual(byDay.map(() => "fake-chat-1"));
    expect(byDay.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(all.totalTokens);

    const byCaller = await alice.usage.summary.query({ from, to, bucket: "day", groupBy: "caller" });
    expect(byCaller.every((b) => b.group === "lead_agent")).toBe(true);
    expect(byCaller.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(all.totalTokens);
    // a window over 31 days is fine in days
    await alice.usage.summary.query({ from: new Date(Date.now() - 90 * 86_400_000), bucket: "day" });
  });

  it("summary of a window without runs is empty", async () => {
    expect(await alice.usage.summary.query({ from: new Date(Date.now() + minutes(1)), to: new Date(Date.now() + minutes(120)) })).toEqual(
      [],
    );
    expect(
      await alice.usage.summary.query({ from: new Date(startedAt.getTime() - minutes(120)), to: new Date(startedAt.getTime() - 1000) }),
    ).toEqual([]);
  });

  it("top threads and assistants, most tokens first", async () => {
    const threads = await alice.usage.top.query({ by: "thread" });
    expect(threads).toEqual([
      { id: threadA, totals: { ...sumTokens(runA1, runA2), calls: 2 } },
      { id: threadB, totals: { ...tokensOf(runB), calls: 1 } },
    ]);
    expect(await alice.usage.top.query({ by: "thread", limit: 1 })).toEqual(threads.slice(0, 1));

    const assistants = await alice.usage.top.query({ by: "assistant", from: startedAt, to: new Date(Date.now() + minutes(1)) });
    expect(assistants).toEqual([{ id: runA1.assistantId, totals: { ...sumTokens(runA1, runA2, runB), calls: 3 } }]);

    expect(await alice.usage.top.query({ by: "assistant", from: new Date(Date.now() + minutes(1)) })).toEqual([]);
  });

  describe("validation", () => {
    it("a window whose end is not after its start is BAD_REQUEST", async () => {
      const at = new Date();
      const err = await expectCode(alice.usage.summary.query({ from: at, to: at }), "BAD_REQUEST");
      expect(err.message).toMatch(/to/);
      await expectCode(alice.usage.summary.query({ from: at, to: new Date(at.getTime() - 1000) }), "BAD_REQUEST");
      await expectCode(alice.usage.summary.query({ from: new Date(Date.now() + minutes(5)) }), "BAD_REQUEST");
    });

    it("hour buckets over more than 31 days are BAD_REQUEST", async () => {
      const err = await expectCode(
        alice.usage.summary.query({ from: new Date(Date.now() - 40 * 86_400_000), bucket: "hour" }),
        "BAD_REQUEST",
      );
      expect(err.message).toMatch(/bucket/);
    });

    it("bad fields are BAD_REQUEST naming them", async () => {
      await expectInvalidField(alice.usage.byRun.query({ runId: "nope" }), "runId", /uuid/i);
      await expectInvalidField(alice.usage.byThread.query({ threadId: "nope" }), "threadId", /uuid/i);
      await expectInvalidField(alice.usage.summary.query(loose({})), "from");
      await expectInvalidField(alice.usage.summary.query(loose({ from: "2024-01-01" })), "from");
      await expectInvalidField(alice.usage.summary.query(loose({ from: startedAt, bucket: "week" })), "bucket");
      await expectInvalidField(alice.usage.summary.query(loose({ from: startedAt, groupBy: "thread" })), "groupBy");
      await expectInvalidField(alice.usage.top.query(loose({ by: "user" })), "by");
      await expectInvalidField(alice.usage.top.query({ by: "thread", limit: 0 }), "limit");
      await expectInvalidField(alice.usage.byRun.query(loose({ runId: runA1.id, verbose: true })), "verbose", /unknown field/);
    });
  });

  describe("isolation", () => {
    it("another user gets NOT_FOUND for a foreign run's or thread's usage", async () => {
      await expectCode(bob.usage.byRun.query({ runId: runA1.id }), "NOT_FOUND");
      await expectCode(bob.usage.byThread.query({ threadId: threadA }), "NOT_FOUND");
      await expectCode(alice.usage.byRun.query({ runId: randomUUID() }), "NOT_FOUND");
    });

    it("another user's summary and top hold only their own tokens", async () => {
      const from = new Date(startedAt.getTime() - minutes(60));
      const bobs = tokensOf(bobRun);
      expect(bobs.totalTokens).toBeGreaterThan(0);

      const summary = await bob.usage.summary.query({ from });
      expect(summary.reduce((n, b) => n + b.totals.totalTokens, 0)).toBe(bobs.totalTokens);
      expect(summary.reduce((n, b) => n + b.totals.calls, 0)).toBe(1);

      expect(await bob.usage.top.query({ by: "thread" })).toEqual([{ id: bobThread, totals: { ...bobs, calls: 1 } }]);
      expect(await bob.usage.top.query({ by: "assistant" })).toEqual([{ id: bobRun.assistantId, totals: { ...bobs, calls: 1 } }]);
    });

    it("the admin sees everyone's usage", async () => {
      expect((await server.admin.usage.byRun.query({ runId: runA1.id })).total.totalTokens).toBe(runA1.totalTokens);
      const everyone = sumTokens(runA1, runA2, runB, bobRun);
      const top = await server.admin.usage.top.query({ by: "assistant" });
      expect(top).toEqual([{ id: runA1.assistantId, totals: { ...everyone, calls: 4 } }]);
      const threads = await server.admin.usage.top.query({ by: "thread" });
      expect(threads.map((t) => t.id).sort()).toEqual([threadA, threadB, bobThread].sort());
    });
  });
});
