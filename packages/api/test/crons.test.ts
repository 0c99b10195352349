/**
 * The tRPC `crons` router against the real server, on SQLite and PostgreSQL:
 * create (stateless and on a thread), list with filters, update, pause and resume,
 * delete, refusals naming the field, and the runs a tick makes carrying the cron's
 * id (CRON_SECONDS=1: a schedule may tick every second).
 */
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../src/client.ts";
import { expectCode, expectInvalidField } from "./support/api-errors.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testTargets)("tRPC crons on $provider", (target) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ target, env: { CRON_SECONDS: "1", CRON_RECHECK_MS: "500" } });
    [alice, bob] = (await Promise.all([server.user(), server.user()])).map((u) => u.client) as [ApiClient, ApiClient];
  }, 120_000);
  afterAll(() => server?.stop());

  it("creates, lists, updates, pauses, resumes and deletes crons", async () => {
    const thread = await alice.threads.create.mutate({});
    const onThread = await alice.crons.create.mutate({
      assistantId: "trivial",
      threadId: thread.id,
      schedule: "0 6 * * *",
      timezone: "Europe/Berlin",
      metadata: { kind: "t" },
      payload: { input: { count: 1 } },
    });
    const stateless = await alice.crons.create.mutate({ assistantId: "trivial", schedule: "0 0 1 1 *", metadata: { kind: "t" } });
    expect(onThread).toMatchObject({ threadId: thread.id, schedule: "0 6 * * *", timezone: "Europe/Berlin", enabled: true });
    expect(onThread.nextRunAt).toBeInstanceOf(Date);
    expect(onThread.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    expect(stateless.threadId).toBeNull();

    const listed = await alice.crons.list.query({ metadata: { kind: "t" } });
    expect(listed.items.map((c) => c.id)).toEqual([stateless.id, onThread.id]);
    expect((await alice.crons.list.query({ threadId: thread.id })).items.map((c) => c.id)).toEqual([onThread.id]);
    expect((await alice.crons.list.query({ metadata: { kind: "t" }, sortBy: "nextRunAt", sortOrder: "asc", limit: 1 })).hasMore).toBe(true);

    const updated = await alice.crons.update.mutate({
      cronId: onThread.id,
      schedule: "*/10 * * * *",
      timezone: null,
      payload: { metadata: { m: 1 } },
    });
    expect(updated).toMatchObject({ schedule: "*/10 * * * *", timezone: null });
    expect(updated.payload).toMatchObject({ input: { count: 1 }, metadata: { m: 1 } });
    expect(updated.nextRunAt!.getUTCMinutes() % 10).toBe(0);

    expect((await alice.crons.pause.mutate({ cronId: onThread.id, paused: true })).enabled).toBe(false);
    expect((await alice.crons.list.query({ enabled: false })).items.map((c) => c.id)).toEqual([onThread.id]);
    const resumed = await alice.crons.pause.mutate({ cronId: onThread.id, paused: false });
    expect(resumed.enabled).toBe(true);
    expect(resumed.nextRunAt!.getTime()).toBeGreaterThan(Date.now());

    expect(await alice.crons.delete.mutate({ cronId: onThread.id })).toEqual({ cronId: onThread.id, deleted: true });
    await expectCode(alice.crons.get.query({ cronId: onThread.id }), "NOT_FOUND");
    await alice.crons.delete.mutate({ cronId: stateless.id });
  });

  it("refuses a bad schedule, zone or thread, naming the field; another owner's cron is not found", async () => {
    await expectInvalidField(alice.crons.create.mutate({ assistantId: "trivial", schedule: "0 25 * * *" }), "schedule");
    await expectInvalidField(alice.crons.create.mutate({ assistantId: "trivial", schedule: "hourly" }), "schedule");
    await expectInvalidField(
      alice.crons.create.mutate({ assistantId: "trivial", schedule: "0 9 * * *", timezone: "Nowhere/Town" }),
      "timezone",
    );
    const theirs = await bob.threads.create.mutate({});
    await expectCode(alice.crons.create.mutate({ assistantId: "trivial", threadId: theirs.id, schedule: "0 9 * * *" }), "NOT_FOUND");
    const cron = await alice.crons.create.mutate({ assistantId: "trivial", schedule: "0 9 * * *", enabled: false });
    await expectInvalidField(alice.crons.update.mutate({ cronId: cron.id, schedule: "0 9 * *" }), "schedule");
    await expectCode(bob.crons.pause.mutate({ cronId: cron.id, paused: false }), "NOT_FOUND");
    await expectCode(bob.crons.delete.mutate({ cronId: cron.id }), "NOT_FOUND");
    expect((await alice.crons.get.query({ cronId: cron.id })).enabled).toBe(false);
    await alice.crons.delete.mutate({ cronId: cron.id });
  });

  it("a tick's run carries the cron's id and shows in the thread's runs", async () => {
    const thread = await alice.threads.create.mutate({});
    const cron = await alice.crons.create.mutate({
      assistantId: "trivial",
      threadId: thread.id,
      schedule: "* * * * * *",
      payload: { input: { count: 1 } },
    });
    let runs = (await alice.runs.list.query({ threadId: thread.id })).items;
    for (let i = 0; i < 50 && runs.length === 0; i++) {
      await sleep(200);
      runs = (await alice.runs.list.query({ threadId: thread.id })).items;
    }
    await alice.crons.pause.mutate({ cronId: cron.id, paused: true });
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.cronId).toBe(cron.id);
    await alice.crons.delete.mutate({ cronId: cron.id });
  });
});
