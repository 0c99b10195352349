import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, repositories, type Repositories } from "@lgrs/db";
import { testTargets, useMigratedDatabase } from "@lgrs/db/testing";
import { createRuntime, defaultAssistantId, type Actor, type BridgeItem, type Run, type Runtime } from "../src/index.ts";
import { ConflictError, InvalidRequestError, NotFoundError } from "../src/errors.ts";
import { testGraphs } from "./fixtures/test-graphs.ts";

/** The rules every API door gets from the run service, checked once here. */
describe.each(testTargets)("run service rules on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let runtime: Runtime;
  let repos: Repositories;
  let me: Actor;
  let stranger: Actor;
  const admin: Actor = { userId: "server", scope: ALL };

  async function newUser(name: string): Promise<Actor> {
    const id = (await repos.users.createUser({ email: `${name}-${Date.now()}-${Math.random()}@x.dev`, name })).id;
    return { userId: id, scope: { ownerId: id } };
  }

  beforeAll(async () => {
    runtime = createRuntime({ db: database(), graphs: testGraphs, concurrency: 8 });
    repos = repositories(database());
    await runtime.start();
    me = await newUser("me");
    stranger = await newUser("stranger");
  });
  afterAll(() => runtime.shutdown(1000));

  const slow = (ms: number) => ({ assistantId: "slow", input: {}, config: { configurable: { step_delay_ms: ms } } });
  async function newThread(actor: Actor = me): Promise<string> {
    return (await repos.threads.create({ ownerId: actor.userId })).id;
  }
  async function collect(items: AsyncIterable<BridgeItem>): Promise<BridgeItem[]> {
    const out: BridgeItem[] = [];
    for await (const item of items) out.push(item);
    return out;
  }
  /** Resolves once the run is executing (its first event is published when it starts). */
  async function untilRunning(run: Run, actor: Actor = me): Promise<void> {
    const leave = new AbortController();
    for await (const item of (await runtime.runs.stream(actor, run.id, { signal: leave.signal })).items) {
      if (item.type === "event") return leave.abort();
    }
  }
  /** A run that was rolled back while running, on a thread that then ran another. */
  async function rolledBackRun(): Promise<{ threadId: string; rolled: Run; kept: Run }> {
    const threadId = await newThread();
    const rolled = await runtime.runs.create(me, { threadId, ...slow(200) });
    await untilRunning(rolled);
    await runtime.runs.cancel(me, rolled.id, { action: "rollback", wait: true });
    const kept = await runtime.runs.join(me, (await runtime.runs.create(me, { threadId, assistantId: "quick", input: {} })).id);
    return { threadId, rolled, kept };
  }

  describe("stateless runs' temporary threads", () => {
    it("are deleted once the run ends by default; a waiting client reads the values first", async () => {
      const { run, values, error } = await runtime.runs.createAndWait(me, { threadId: null, assistantId: "quick", input: {} });
      expect([run.status, values, error]).toEqual(["success", { steps: ["only"] }, null]);
      expect(run.onCompletion).toBe("delete");
      expect(await repos.threads.get(ALL, run.threadId)).toBeNull();
      await expect(runtime.runs.get(me, run.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('are kept with onCompletion "keep", with their runs and values', async () => {
      const { run } = await runtime.runs.createAndWait(me, { threadId: null, assistantId: "quick", input: {}, onCompletion: "keep" });
      expect(run.onCompletion).toBe("keep");
      expect((await repos.threads.get(ALL, run.threadId))?.values).toEqual({ steps: ["only"] });
      expect((await runtime.runs.get(me, run.id)).status).toBe("success");
    });

    it("are deleted for a run nobody waits for, and for a failed or cancelled one", async () => {
      const changes = runtime.runs.watch(me, AbortSignal.timeout(20_000));
      const quick = await runtime.runs.create(me, { threadId: null, assistantId: "quick", input: {} });
      const failing = await runtime.runs.create(me, { threadId: null, assistantId: "failing", input: {} });
      const cancelled = await runtime.runs.create(me, { threadId: null, ...slow(5_000) });
      await untilRunning(cancelled);
      // cancel with wait resolves once the run's end, its thread's deletion included, is done
      await runtime.runs.cancel(me, cancelled.id, { wait: true });
      expect(await repos.threads.get(ALL, cancelled.threadId)).toBeNull();
      // the others: their final status comes through the feed, the deletion right after it
      const ended = new Set<string>();
      for await (const { run } of changes) {
        if (run.status === "success" || run.status === "error") ended.add(run.id);
        if (ended.has(quick.id) && ended.has(failing.id)) break;
      }
      // nothing announces the deletion itself: look again for a while
      for (const run of [quick, failing]) {
        const until = Date.now() + 5_000;
        let thread = await repos.threads.get(ALL, run.threadId);
        while (thread && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          thread = await repos.threads.get(ALL, run.threadId);
        }
        expect(thread).toBeNull();
      }
    });

    it("a run on a thread of the caller's ignores onCompletion: its thread stays", async () => {
      const threadId = await newThread();
      const { run } = await runtime.runs.createAndWait(me, { threadId, assistantId: "quick", input: {}, onCompletion: "delete" });
      expect(run.onCompletion).toBeNull();
      expect(await repos.threads.get(ALL, threadId)).not.toBeNull();
    });

    it("deleting one while its run is running answers as a deletion, not as a thread already gone", async () => {
      const run = await runtime.runs.create(me, { threadId: null, ...slow(5_000) });
      await untilRunning(run);
      await runtime.threads.delete(me, run.threadId);
      expect(await repos.threads.get(ALL, run.threadId)).toBeNull();
      await expect(runtime.threads.get(me, run.threadId)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("rolled-back runs", () => {
    it("are hidden unless included: get, join, wait, cancel, delete, stream and the lists", async () => {
      const { threadId, rolled, kept } = await rolledBackRun();
      const hidden: (() => Promise<unknown>)[] = [
        () => runtime.runs.get(me, rolled.id),
        () => runtime.runs.join(me, rolled.id),
        () => runtime.runs.wait(me, rolled.id),
        () => runtime.runs.cancel(me, rolled.id),
        () => runtime.runs.delete(me, rolled.id),
        () => runtime.runs.stream(me, rolled.id),
      ];
      for (const call of hidden) await expect(call()).rejects.toBeInstanceOf(NotFoundError);
      expect((await runtime.runs.listForThread(me, threadId)).map((r) => r.id)).toEqual([kept.id]);
      expect((await runtime.runs.list(me, { threadId })).items.map((r) => r.id)).toEqual([kept.id]);

      const shown = await runtime.runs.get(me, rolled.id, { includeRolledBack: true });
      expect([shown.status, shown.rolledBackAt]).toEqual(["interrupted", expect.any(Date)]);
      expect((await runtime.runs.list(me, { threadId, includeRolledBack: true })).items.map((r) => r.id)).toEqual([kept.id, rolled.id]);
      expect((await runtime.runs.join(me, rolled.id, { includeRolledBack: true })).id).toBe(rolled.id);
    });
  });

  describe("a thread's runs by offset", () => {
    it("newest first, offset and limit, status filter; another owner's thread is not found", async () => {
      const threadId = await newThread();
      const made: Run[] = [];
      for (let i = 0; i < 4; i++)
        made.push(await runtime.runs.join(me, (await runtime.runs.create(me, { threadId, assistantId: "quick", input: {} })).id));
      const failed = await runtime.runs.join(me, (await runtime.runs.create(me, { threadId, assistantId: "failing", input: {} })).id);
      const newestFirst = [failed, ...made.reverse()].map((r) => r.id);
      expect((await runtime.runs.listForThread(me, threadId, { limit: 10 })).map((r) => r.id)).toEqual(newestFirst);
      expect((await runtime.runs.listForThread(me, threadId, { offset: 1, limit: 2 })).map((r) => r.id)).toEqual(newestFirst.slice(1, 3));
      expect((await runtime.runs.listForThread(me, threadId, { offset: 10 })).map((r) => r.id)).toEqual([]);
      expect((await runtime.runs.listForThread(me, threadId, { status: "error" })).map((r) => r.id)).toEqual([failed.id]);
      await expect(runtime.runs.listForThread(stranger, threadId)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("cancelMany", () => {
    it("by run ids: all of them, or none when one is unknown or another owner's", async () => {
      const [a, b] = [await newThread(), await newThread()];
      const ra = await runtime.runs.create(me, { threadId: a, ...slow(5_000) });
      const rb = await runtime.runs.create(me, { threadId: b, ...slow(5_000) });
      const theirs = await runtime.runs.create(stranger, { threadId: await newThread(stranger), ...slow(50) });
      await expect(runtime.runs.cancelMany(me, { runIds: [ra.id, theirs.id] })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.runs.cancelMany(me, { runIds: [ra.id], threadId: b })).rejects.toBeInstanceOf(NotFoundError);
      expect((await runtime.runs.get(me, ra.id)).endedAt).toBeNull();
      const cancelled = await runtime.runs.cancelMany(me, { runIds: [ra.id, rb.id], action: "interrupt" });
      expect(cancelled.map((r) => r.id).sort()).toEqual([ra.id, rb.id].sort());
      expect((await runtime.runs.join(me, ra.id)).status).toBe("interrupted");
      expect((await runtime.runs.join(me, rb.id)).status).toBe("interrupted");
      expect((await runtime.runs.join(stranger, theirs.id)).status).toBe("success");
    });

    it("by thread: its running and queued runs; by status: every run of the caller's in it, no one else's", async () => {
      const threadId = await newThread();
      const running = await runtime.runs.create(me, { threadId, ...slow(5_000) });
      const queued = await runtime.runs.create(me, { threadId, ...slow(10), multitaskStrategy: "enqueue" });
      await untilRunning(running);
      await runtime.runs.cancelMany(me, { threadId });
      expect((await runtime.runs.join(me, running.id)).status).toBe("interrupted");
      expect((await runtime.runs.join(me, queued.id)).status).toBe("interrupted");
      expect((await runtime.runs.get(me, queued.id)).startedAt).toBeNull();

      const mine = await runtime.runs.create(me, { threadId: await newThread(), ...slow(5_000) });
      const theirs = await runtime.runs.create(stranger, { threadId: await newThread(stranger), ...slow(50) });
      await untilRunning(mine);
      expect((await runtime.runs.cancelMany(me, { status: "running" })).map((r) => r.id)).toEqual([mine.id]);
      expect((await runtime.runs.join(me, mine.id)).status).toBe("interrupted");
      expect((await runtime.runs.join(stranger, theirs.id)).status).toBe("success");
    });

    it("needs a filter, and a thread the caller can see", async () => {
      await expect(runtime.runs.cancelMany(me, {})).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(runtime.runs.cancelMany(stranger, { threadId: await newThread() })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("delete", () => {
    it("refuses a run in flight, deletes a finished one", async () => {
      const run = await runtime.runs.create(me, { threadId: await newThread(), ...slow(5_000) });
      await expect(runtime.runs.delete(me, run.id)).rejects.toThrow(ConflictError);
      await expect(runtime.runs.delete(me, run.id)).rejects.toThrow(/cancel it before deleting it/);
      await runtime.runs.cancel(me, run.id, { wait: true });
      await expect(runtime.runs.delete(stranger, run.id)).rejects.toBeInstanceOf(NotFoundError);
      await runtime.runs.delete(me, run.id, { threadId: run.threadId });
      await expect(runtime.runs.get(me, run.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("a run on another thread than the one named is not found", async () => {
      const done = await runtime.runs.join(
        me,
        (await runtime.runs.create(me, { threadId: await newThread(), assistantId: "quick", input: {} })).id,
      );
      await expect(runtime.runs.delete(me, done.id, { threadId: await newThread() })).rejects.toBeInstanceOf(NotFoundError);
      await expect(runtime.runs.get(me, done.id, { threadId: await newThread() })).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("onDisconnect", () => {
    it('"cancel": a join or wait whose caller leaves cancels the run; the call rejects', async () => {
      for (const call of ["join", "wait"] as const) {
        const run = await runtime.runs.create(me, { threadId: await newThread(), ...slow(5_000) });
        await untilRunning(run);
        const leave = new AbortController();
        const waiting = runtime.runs[call](me, run.id, { signal: leave.signal, onDisconnect: "cancel" });
        leave.abort();
        await expect(waiting).rejects.toThrow();
        expect((await runtime.runs.join(me, run.id)).status).toBe("interrupted");
      }
    });

    it('"continue" (the default): the run carries on after its waiter left', async () => {
      const run = await runtime.runs.create(me, { threadId: await newThread(), ...slow(20) });
      const leave = new AbortController();
      const waiting = runtime.runs.join(me, run.id, { signal: leave.signal });
      leave.abort();
      await expect(waiting).rejects.toThrow();
      expect((await runtime.runs.join(me, run.id)).status).toBe("success");
    });

    it("a run created with it is cancelled when its creator leaves, not when someone else watching does", async () => {
      const run = await runtime.runs.create(me, { threadId: await newThread(), ...slow(100), onDisconnect: "cancel" });
      await untilRunning(run, admin); // the admin watched, then left
      const leave = new AbortController();
      const { items } = await runtime.runs.stream(me, run.id, { signal: leave.signal });
      for await (const item of items) if (item.type === "event" && item.event === "values") leave.abort();
      expect((await runtime.runs.join(me, run.id)).status).toBe("interrupted");
    });
  });

  describe("stream modes", () => {
    it("a follower gets only the modes it asks for; metadata always", async () => {
      const run = await runtime.runs.create(me, { threadId: await newThread(), ...slow(1), streamMode: ["values", "updates"] });
      const all = await collect((await runtime.runs.stream(me, run.id)).items);
      const updates = await collect((await runtime.runs.stream(me, run.id, { streamModes: ["updates"] })).items);
      const names = (items: BridgeItem[]) => [...new Set(items.map((i) => (i.type === "event" ? i.event : i.type)))];
      expect(names(all).sort()).toEqual(["end", "metadata", "updates", "values"]);
      expect(names(updates)).toEqual(["metadata", "updates", "end"]);
      // the same events, with their own ids
      expect(updates.filter((i) => i.type === "event")).toEqual(all.filter((i) => i.type === "event" && i.event !== "values"));
      const failing = await runtime.runs.create(me, {
        threadId: await newThread(),
        assistantId: "failing",
        input: {},
        streamMode: ["values"],
      });
      const errors = await collect((await runtime.runs.stream(me, failing.id, { streamModes: ["updates"] })).items);
      expect(names(errors)).toEqual(["metadata", "error", "end"]);
    });
  });

  describe("kwargs", () => {
    it("are stored camelCase; a row of an earlier version (snake_case) still runs as asked, and reads camelCase", async () => {
      const run = await runtime.runs.create(me, {
        threadId: await newThread(),
        ...slow(1),
        streamMode: ["updates"],
        interruptBefore: ["three"],
      });
      expect(run.kwargs).toMatchObject({ streamMode: ["updates"], interruptBefore: ["three"] });
      expect((await repos.runs.get(ALL, run.id))?.kwargs).toMatchObject({ streamMode: ["updates"], interruptBefore: ["three"] });
      await runtime.runs.join(me, run.id);

      const threadId = await newThread();
      const old = await repos.runs.create({
        threadId,
        ownerId: me.userId,
        assistantId: defaultAssistantId("slow"),
        kwargs: { input: {}, config: { configurable: { step_delay_ms: 1 } }, stream_mode: ["updates"], interrupt_before: ["three"] },
      });
      await runtime.shutdown(1000);
      runtime = createRuntime({ db: database(), graphs: testGraphs, concurrency: 8 });
      await runtime.start(); // a restart picks the pending row up
      const items = await collect((await runtime.runs.stream(me, old.id)).items);
      expect([...new Set(items.map((i) => (i.type === "event" ? i.event : i.type)))]).toEqual(["metadata", "updates", "end"]);
      expect((await repos.threads.get(ALL, threadId))?.values).toEqual({ steps: ["one", "two"] });
      expect((await runtime.runs.get(me, old.id)).kwargs).toMatchObject({ streamMode: ["updates"], interruptBefore: ["three"] });
    });
  });

  describe("watch", () => {
    it("yields the caller's runs only, created then each status; an admin's watch yields everyone's", async () => {
      const stop = new AbortController();
      const mine = runtime.runs.watch(me, stop.signal);
      const everyone = runtime.runs.watch(admin, stop.signal);
      const theirs = await runtime.runs.join(
        stranger,
        (await runtime.runs.create(stranger, { threadId: await newThread(stranger), assistantId: "quick", input: {} })).id,
      );
      const own = await runtime.runs.join(
        me,
        (await runtime.runs.create(me, { threadId: await newThread(), assistantId: "quick", input: {} })).id,
      );
      const seen: string[] = [];
      for await (const change of mine) {
        seen.push(`${change.run.id === own.id ? "own" : "other"}:${change.type}:${change.run.status}`);
        if (change.run.id === own.id && change.run.status === "success") break;
      }
      expect(seen).toEqual(["own:created:pending", "own:status:running", "own:status:success"]);
      const ids = new Set<string>();
      for await (const change of everyone) {
        ids.add(change.run.id);
        if (change.run.id === own.id && change.run.status === "success") break;
      }
      expect([...ids]).toEqual(expect.arrayContaining([theirs.id, own.id]));
      stop.abort();
    });
  });
});
