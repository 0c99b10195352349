/**
 * The thread capabilities the LangGraph door has, through the tRPC door on SQLite
 * and PostgreSQL: the thread stream subscription (lifecycle of consecutive runs,
 * resumed from a tracked id), patchState, prune and a thread's ttl. Another owner's
 * calls are in isolation.test.ts.
 */
import { randomUUID } from "node:crypto";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { expectInvalidField } from "./support/api-errors.ts";
import { record } from "./support/recorder.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

type Item = { id: string; data: { event: string; data: unknown } };
type Payload = { event?: string; run_id?: string; values?: unknown };
/** What an event carries: a lifecycle's `event` and every event's `run_id`. */
const payload = (i: Item) => i.data.data as Payload;

describe.each(testTargets)("thread stream, patchState, prune and ttl over tRPC on $provider", (target) => {
  let server: TestServer;
  let alice: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ target, env: { TTL_SWEEP_MS: "200" } });
    alice = (await server.user()).client;
  }, 120_000);
  afterAll(() => server?.stop());

  async function runOn(threadId: string) {
    const run = await alice.runs.create.mutate({ threadId, assistantId: "trivial", input: {}, multitaskStrategy: "enqueue" });
    return run.id;
  }

  it("streams two consecutive runs' lifecycle and state, and resumes right after a tracked id", async () => {
    const { id: threadId } = await alice.threads.create.mutate({});
    const live = record<Item>((h) => alice.threads.stream.subscribe({ threadId, streamMode: ["lifecycle", "state_update"] }, h));
    await live.started;
    const first = await runOn(threadId);
    const second = await runOn(threadId);
    await live.waitFor((i) => i.data.event === "state_update" && payload(i).run_id === second);
    live.stop();
    expect(live.items.map((i) => `${payload(i).event ?? i.data.event}:${payload(i).run_id}`)).toEqual([
      `started:${first}`,
      `completed:${first}`,
      `state_update:${first}`,
      `started:${second}`,
      `completed:${second}`,
      `state_update:${second}`,
    ]);
    expect(live.items.filter((i) => i.data.event === "state_update").map((i) => payload(i).values)).toEqual([{ count: 1 }, { count: 2 }]);

    const resumed = record<Item>((h) =>
      alice.threads.stream.subscribe({ threadId, lastEventId: live.items[2]!.id, streamMode: ["lifecycle", "state_update"] }, h),
    );
    await resumed.waitFor((i) => i.data.event === "state_update" && payload(i).run_id === second);
    await new Promise((r) => setTimeout(r, 300));
    resumed.stop();
    expect(resumed.items).toEqual(live.items.slice(3));
  });

  it("patches checkpoint metadata, prunes to the latest checkpoint, and sweeps a thread whose ttl is up", async () => {
    const { id: threadId } = await alice.threads.create.mutate({});
    await alice.runs.join.query({ runId: await runOn(threadId) });
    await alice.runs.join.query({ runId: await runOn(threadId) });
    await alice.threads.patchState.mutate({ threadId, metadata: { reviewed: true } });
    expect((await alice.threads.state.query({ threadId })).metadata).toMatchObject({ reviewed: true });

    expect(await alice.threads.prune.mutate({ threadIds: [threadId], strategy: "keep_latest" })).toEqual({ prunedCount: 1 });
    const history = await alice.threads.history.query({ threadId, limit: 100 });
    expect(history.items).toHaveLength(1);
    expect(history.items[0]!.metadata).toMatchObject({ reviewed: true });
    expect(history.items[0]!.values).toEqual({ count: 2 });

    const short = await alice.threads.create.mutate({ ttl: { strategy: "delete", minutes: 0.005 } });
    expect(short.ttlMinutes).toBe(0.005);
    const until = Date.now() + 15_000;
    while ((await alice.threads.search.query({ ids: [short.id] })).items.length > 0) {
      if (Date.now() > until) throw new Error("the thread was never swept");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await alice.threads.prune.mutate({ threadIds: [threadId, randomUUID()] })).toEqual({ prunedCount: 1 });

    await expectInvalidField(alice.threads.prune.mutate({ threadIds: [] }), "threadIds");
    await expectInvalidField(alice.threads.update.mutate({ threadId, ttl: { strategy: "delete", minutes: -1 } }), "ttl.minutes");
    await expectInvalidField(alice.threads.patchState.mutate({ threadId } as never), "metadata");
  });
});
