/**
 * Crons through the official `@langchain/langgraph-sdk` Client (`client.crons`)
 * against the real server, on SQLite and PostgreSQL: create (stateless and on a
 * thread), search, count, update, pause, delete, the same cron through the tRPC
 * door, validation, ownership, and ticks that create runs carrying the cron's id.
 * The server runs with CRON_SECONDS=1 so a schedule may tick every second (a
 * sixth, leading field); 5-field schedules read the same either way
 * (runtime/test/cron-schedule.test.ts checks that 6 fields are refused by default).
 */
import { Client, type Cron } from "@langchain/langgraph-sdk";
import { testTargets } from "@lgrs/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../api/src/client.ts";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { LANGGRAPH_BASE_PATH } from "../src/app.ts";
import { expectStatus, failure } from "./support/sdk-failure.ts";
import { until } from "./support/until.ts";

const EVERY_SECOND = "* * * * * *";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The hour and minute `date` shows in `zone`. */
function wallClock(date: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
}

describe.each(testTargets)("crons on $provider", (target) => {
  let server: TestServer;
  let alice: Client;
  let bob: Client;
  let aliceKey: string;
  /** Alice through the typed tRPC door */
  let aliceTrpc: ApiClient;

  const sdk = (apiKey: string) => new Client({ apiUrl: `${server.url}${LANGGRAPH_BASE_PATH}`, apiKey, callerOptions: { maxRetries: 0 } });

  async function http(method: string, path: string, body: unknown) {
    const res = await fetch(`${server.url}${LANGGRAPH_BASE_PATH}${path}`, {
      method,
      headers: { "x-api-key": aliceKey, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { detail: string; errors?: { field: string }[] } };
  }

  /** The runs a cron has made, straight from the database (stateless ones live on threads of their own). */
  const runsOf = (cronId: string) =>
    server.db.prisma.run.findMany({
      where: { cronId },
      orderBy: { createdAt: "asc" },
      select: { id: true, threadId: true, cronTick: true },
    });

  beforeAll(async () => {
    server = await startTestServer({ target, env: { CRON_SECONDS: "1", CRON_RECHECK_MS: "500" } });
    const [a, b] = await Promise.all([server.user(), server.user()]);
    aliceKey = a.key;
    aliceTrpc = a.client;
    alice = sdk(a.key);
    bob = sdk(b.key);
  }, 120_000);
  afterAll(() => server?.stop());

  it("creates a stateless cron with a 5-field schedule read in its time zone, and an end time", async () => {
    const cron = (await alice.crons.create("trivial", {
      schedule: "0 9 * * *",
      timezone: "America/New_York",
      endTime: "2099-01-01T00:00:00Z",
      input: { count: 1 },
      metadata: { team: "ops" },
      durability: "exit",
    })) as unknown as Cron;
    expect(cron).toMatchObject({
      assistant_id: expect.any(String),
      thread_id: null,
      schedule: "0 9 * * *",
      timezone: "America/New_York",
      end_time: "2099-01-01T00:00:00.000Z",
      enabled: true,
      on_run_completed: "delete",
      metadata: { team: "ops" },
      // each tick's run saves its checkpoints as asked
      payload: { input: { count: 1 }, durability: "exit" },
    });
    const next = new Date(cron.next_run_date!);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(wallClock(next, "America/New_York")).toBe("09:00");
    await alice.crons.delete(cron.cron_id);
  });

  it("searches, counts, sorts and pages crons, with filters and select", async () => {
    const thread = (await alice.threads.create()).thread_id;
    const a = await alice.crons.createForThread(thread, "trivial", { schedule: "0 0 1 1 *", enabled: false, metadata: { batch: "s" } });
    const b = await alice.crons.create("trivial", { schedule: "0 0 1 2 *", metadata: { batch: "s" } });
    const c = await alice.crons.create("agent", { schedule: "0 0 1 3 *", metadata: { batch: "s" } });
    expect(a.thread_id).toBe(thread);

    expect(await alice.crons.count({ metadata: { batch: "s" } })).toBe(3);
    expect(await alice.crons.count({ threadId: thread })).toBe(1);
    expect(await alice.crons.count({ assistantId: "agent", metadata: { batch: "s" } })).toBe(1);
    const ids = (rows: Cron[]) => rows.map((r) => r.cron_id);
    expect(ids(await alice.crons.search({ metadata: { batch: "s" } }))).toEqual([c.cron_id, b.cron_id, a.cron_id]);
    expect(ids(await alice.crons.search({ metadata: { batch: "s" }, sortBy: "next_run_date", sortOrder: "asc" }))).toEqual([
      a.cron_id,
      b.cron_id,
      c.cron_id,
    ]);
    expect(ids(await alice.crons.search({ metadata: { batch: "s" }, limit: 1, offset: 1 }))).toEqual([b.cron_id]);
    expect(ids(await alice.crons.search({ metadata: { batch: "s" }, enabled: false }))).toEqual([a.cron_id]);
    expect(ids(await alice.crons.search({ threadId: thread }))).toEqual([a.cron_id]);
    expect(await alice.crons.search({ metadata: { batch: "s" }, select: ["cron_id", "schedule"], limit: 1 })).toEqual([
      { cron_id: c.cron_id, schedule: "0 0 1 3 *" },
    ]);
    for (const x of [a, b, c]) await alice.crons.delete(x.cron_id);
    expect(await alice.crons.count({ metadata: { batch: "s" } })).toBe(0);
  });

  it("updates the schedule, zone, end time, payload and metadata; pauses and resumes", async () => {
    const cron = await alice.crons.create("trivial", { schedule: "0 0 1 1 *", metadata: { a: 1 } });
    const updated = await alice.crons.update(cron.cron_id, {
      schedule: "30 14 * * *",
      timezone: "Asia/Tokyo",
      endTime: "2098-06-01T00:00:00Z",
      input: { count: 5 },
      metadata: { b: 2 },
    });
    expect(updated).toMatchObject({ schedule: "30 14 * * *", timezone: "Asia/Tokyo", end_time: "2098-06-01T00:00:00.000Z" });
    expect(updated.metadata).toEqual({ a: 1, b: 2 });
    expect(updated.payload).toMatchObject({ input: { count: 5 } });
    expect(wallClock(new Date(updated.next_run_date!), "Asia/Tokyo")).toBe("14:30");

    const paused = await alice.crons.update(cron.cron_id, { enabled: false });
    expect(paused.enabled).toBe(false);
    const cleared = await alice.crons.update(cron.cron_id, { endTime: null, enabled: true });
    expect(cleared).toMatchObject({ enabled: true, end_time: null });
    await alice.crons.delete(cron.cron_id);
    await expectStatus(alice.crons.delete(cron.cron_id), 404);
    await expectStatus(alice.crons.update(cron.cron_id, { enabled: false }), 404);
  });

  it("is one cron through both doors: made with the SDK, paused with tRPC; made with tRPC, deleted with the SDK", async () => {
    const viaRest = await alice.crons.create("trivial", { schedule: "0 0 1 1 *", metadata: { door: "rest" } });
    const seen = await aliceTrpc.crons.get.query({ cronId: viaRest.cron_id });
    expect(seen).toMatchObject({ id: viaRest.cron_id, schedule: "0 0 1 1 *", metadata: { door: "rest" }, enabled: true });
    expect(seen.nextRunAt?.toISOString()).toBe(viaRest.next_run_date);
    await aliceTrpc.crons.pause.mutate({ cronId: viaRest.cron_id, paused: true });
    expect((await alice.crons.search({ metadata: { door: "rest" } }))[0]).toMatchObject({ cron_id: viaRest.cron_id, enabled: false });
    await alice.crons.delete(viaRest.cron_id);

    const viaTrpc = await aliceTrpc.crons.create.mutate({ assistantId: "trivial", schedule: "0 0 1 1 *", metadata: { door: "trpc" } });
    expect(await alice.crons.count({ metadata: { door: "trpc" } })).toBe(1);
    await alice.crons.delete(viaTrpc.id);
    expect((await aliceTrpc.crons.list.query({ metadata: { door: "trpc" } })).items).toEqual([]);
  });

  it("refuses a bad schedule, zone or end time with 422 naming the field", async () => {
    for (const schedule of ["every minute", "61 * * * *", "* * * *", "* * * * * * *", "0 0 30 2 *"]) {
      const r = await http("POST", "/runs/crons", { assistant_id: "trivial", schedule });
      expect(r.status, schedule).toBe(422);
      expect(r.json.errors?.map((e) => e.field)).toContain("body.schedule");
      expect(r.json.detail).toContain("schedule");
    }
    const zone = await http("POST", "/runs/crons", { assistant_id: "trivial", schedule: "0 9 * * *", timezone: "Mars/Olympus" });
    expect(zone.status).toBe(422);
    expect(zone.json.errors?.map((e) => e.field)).toContain("body.timezone");
    const end = await http("POST", "/runs/crons", { assistant_id: "trivial", schedule: "0 9 * * *", end_time: "tomorrow" });
    expect(end.json.errors?.map((e) => e.field)).toContain("body.end_time");
    const missing = await http("POST", "/runs/crons", { assistant_id: "trivial" });
    expect(missing.json.errors?.map((e) => e.field)).toContain("body.schedule");
    const cron = await alice.crons.create("trivial", { schedule: "0 0 1 1 *", enabled: false });
    const patch = await http("PATCH", `/runs/crons/${cron.cron_id}`, { schedule: "0 0 * *" });
    expect(patch.status).toBe(422);
    expect(patch.json.errors?.map((e) => e.field)).toContain("body.schedule");
    expect((await failure(alice.crons.create("no-such-graph", { schedule: "0 9 * * *" }))).status).toBe(404);
    await alice.crons.delete(cron.cron_id);
  });

  it("keeps each owner's crons to them: another user neither sees, changes nor deletes them", async () => {
    const thread = (await alice.threads.create()).thread_id;
    const cron = await alice.crons.createForThread(thread, "trivial", { schedule: "0 0 1 1 *", enabled: false });
    expect((await bob.crons.search({ limit: 1000 })).map((c) => c.cron_id)).not.toContain(cron.cron_id);
    expect(await bob.crons.count({ threadId: thread })).toBe(0);
    await expectStatus(bob.crons.update(cron.cron_id, { enabled: true }), 404);
    await expectStatus(bob.crons.delete(cron.cron_id), 404);
    await expectStatus(bob.crons.createForThread(thread, "trivial", { schedule: "0 0 1 1 *" }), 404);
    expect((await alice.crons.search({ threadId: thread }))[0]).toMatchObject({ cron_id: cron.cron_id, enabled: false });
    await alice.crons.delete(cron.cron_id);
  });

  it("fires a thread cron once per tick, its runs carrying the cron's id; paused, it fires no more", async () => {
    const thread = (await alice.threads.create()).thread_id;
    const cron = await alice.crons.createForThread(thread, "trivial", { schedule: EVERY_SECOND, input: { count: 1 } });
    const runs = await until(
      "three runs",
      () => alice.runs.list(thread, { limit: 100 }),
      (r) => r.length >= 3,
    );
    for (const run of runs) expect(run).toMatchObject({ thread_id: thread, cron_id: cron.cron_id });
    await alice.crons.update(cron.cron_id, { enabled: false });
    const made = (await runsOf(cron.cron_id)).length;
    await sleep(2500);
    expect((await runsOf(cron.cron_id)).length).toBe(made);
    // one run per tick, each tick on the second
    const ticks = (await runsOf(cron.cron_id)).map((r) => r.cronTick!.getTime());
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick % 1000).toBe(0);
    // runs outlive their cron, without its id
    await alice.crons.delete(cron.cron_id);
    expect((await alice.runs.list(thread, { limit: 100 })).length).toBe(made);
  });

  it("runs a stateless cron on a new thread per tick, kept when asked, and stops at its end time", async () => {
    const endTime = new Date(Date.now() + 3500).toISOString();
    const cron = await alice.crons.create("trivial", { schedule: EVERY_SECOND, input: { count: 2 }, onRunCompleted: "keep", endTime });
    const runs = await until(
      "two runs",
      () => runsOf(cron.cron_id),
      (r) => r.length >= 2,
    );
    expect(new Set(runs.map((r) => r.threadId)).size).toBe(runs.length);
    const state = await alice.threads.getState(runs[0]!.threadId);
    expect(state.values).toMatchObject({ count: expect.any(Number) });
    const ended = await until(
      "the end time",
      async () => (await alice.crons.search({ limit: 1000 })).find((c) => c.cron_id === cron.cron_id)!,
      (c) => c.next_run_date === null,
    );
    const total = (await runsOf(cron.cron_id)).length;
    expect(total).toBeLessThanOrEqual(4);
    await sleep(1500);
    expect((await runsOf(cron.cron_id)).length).toBe(total);
    expect(ended.enabled).toBe(true);
    await alice.crons.delete(cron.cron_id);
  });
});
