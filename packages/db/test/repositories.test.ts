import { describe, expect, it, beforeAll } from "vitest";
import { repositories, ALL, InvalidCursorError, hashApiKey, type Repositories } from "../src/index.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

describe.each(testTargets)("repositories on $provider", (target) => {
  const database = useMigratedDatabase(target);
  let repo: Repositories;
  let alice: string;
  let bob: string;
  let assistantId: string;

  beforeAll(async () => {
    repo = repositories(database());
    alice = (await repo.users.createUser({ email: "Alice@example.com", name: "Alice" })).id;
    bob = (await repo.users.createUser({ email: "bob@example.com", name: "Bob" })).id;
    assistantId = (await repo.assistants.create({ graphId: "agent", name: "agent" })).id;
  });

  describe("threads", () => {
    it("lists newest first across pages with a cursor, without gaps or repeats", async () => {
      const owner = (await repo.users.createUser({ email: "pager@example.com", name: "Pager" })).id;
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await repo.threads.create({ ownerId: owner, metadata: { i } })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await repo.threads.list({ ownerId: owner }, { limit: 3, cursor });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      // same order as one big page, every thread exactly once, newest first
      const all = await repo.threads.list({ ownerId: owner }, { limit: 100 });
      expect(seen).toEqual(all.items.map((t) => t.id));
      expect([...seen].sort()).toEqual([...made].sort());
      const times = all.items.map((t) => t.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it("filters by status and by metadata keys", async () => {
      const a = await repo.threads.create({ ownerId: alice, metadata: { team: "red", n: 1 } });
      await repo.threads.create({ ownerId: alice, metadata: { team: "blue", n: 1 } });
      await repo.threads.setStatus(a.id, "busy");
      const red = await repo.threads.list({ ownerId: alice }, { metadata: { team: "red" } });
      expect(red.items.map((t) => t.id)).toEqual([a.id]);
      const busy = await repo.threads.list({ ownerId: alice }, { status: "busy", metadata: { n: 1 } });
      expect(busy.items.map((t) => t.id)).toEqual([a.id]);
    });

    it("hides another owner's thread as if it did not exist; the admin scope sees it", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      expect(await repo.threads.get({ ownerId: bob }, t.id)).toBeNull();
      expect(await repo.threads.update({ ownerId: bob }, t.id, { metadata: { x: 1 } })).toBeNull();
      expect(await repo.threads.delete({ ownerId: bob }, t.id)).toBe(false);
      expect((await repo.threads.get(ALL, t.id))?.id).toBe(t.id);
      const bobs = await repo.threads.list({ ownerId: bob });
      expect(bobs.items.some((x) => x.id === t.id)).toBe(false);
    });

    it("merges metadata on update and stores latest values", async () => {
      const t = await repo.threads.create({ ownerId: alice, metadata: { a: 1, b: 2 } });
      const u = await repo.threads.update({ ownerId: alice }, t.id, { metadata: { b: 3, c: 4 }, values: { messages: ["hi"] } });
      expect(u?.metadata).toEqual({ a: 1, b: 3, c: 4 });
      expect(u?.values).toEqual({ messages: ["hi"] });
      const cleared = await repo.threads.update({ ownerId: alice }, t.id, { values: null });
      expect(cleared?.values).toBeNull();
    });

    it("delete removes runs, events, feedback, usage and checkpoints of the thread", async () => {
      const db = database();
      const t = await repo.threads.create({ ownerId: alice });
      const run = await repo.runs.create({ threadId: t.id, ownerId: alice, assistantId, kwargs: {} });
      await repo.events.append(run.id, [{ seq: 1, event: "metadata", data: { run_id: run.id } }]);
      await repo.feedback.upsert({ ownerId: alice }, { runId: run.id, ownerId: alice, key: "thumbs", score: 1 });
      await repo.usage.record({
        runId: run.id,
        threadId: t.id,
        ownerId: alice,
        model: "m",
        caller: "lead_agent",
        inputTokens: 1,
        outputTokens: 1,
      });
      await db.prisma.checkpoint.create({
        data: { threadId: t.id, checkpointId: "c1", checkpoint: new Uint8Array([1]), metadata: new Uint8Array([2]) },
      });
      await db.prisma.checkpointWrite.create({
        data: { threadId: t.id, checkpointId: "c1", taskId: "t", idx: 0, channel: "x", value: new Uint8Array([3]) },
      });
      expect(await repo.threads.delete({ ownerId: alice }, t.id)).toBe(true);
      expect(await repo.runs.get(ALL, run.id)).toBeNull();
      expect((await repo.events.list(run.id)).items).toEqual([]);
      expect((await repo.feedback.list(ALL, { runId: run.id })).items).toEqual([]);
      expect((await repo.usage.byThread(ALL, t.id)).total.calls).toBe(0);
      expect(await db.prisma.checkpoint.count({ where: { threadId: t.id } })).toBe(0);
      expect(await db.prisma.checkpointWrite.count({ where: { threadId: t.id } })).toBe(0);
    });

    it("rejects a cursor it did not make", async () => {
      await expect(repo.threads.list({ ownerId: alice }, { cursor: "not-a-cursor" })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });

  describe("runs", () => {
    it("moves through statuses, lists by thread/status/time and finds the in-flight queue in order", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const r1 = await repo.runs.create({
        threadId: t.id,
        ownerId: alice,
        assistantId,
        kwargs: { input: { n: 1 } },
        multitaskStrategy: "enqueue",
      });
      const r2 = await repo.runs.create({
        threadId: t.id,
        ownerId: alice,
        assistantId,
        kwargs: { input: { n: 2 } },
        multitaskStrategy: "enqueue",
      });
      expect((await repo.runs.inFlight(t.id)).map((r) => r.id)).toEqual([r1.id, r2.id]);
      const started = await repo.runs.transition(r1.id, { status: "running", startedAt: new Date() });
      expect(started.status).toBe("running");
      await repo.runs.transition(r1.id, { status: "error", error: { type: "ValueError", message: "boom" }, endedAt: new Date() });
      expect((await repo.runs.inFlight(t.id)).map((r) => r.id)).toEqual([r2.id]);
      const failed = await repo.runs.list({ ownerId: alice }, { threadId: t.id, status: "error" });
      expect(failed.items.map((r) => r.id)).toEqual([r1.id]);
      expect(failed.items[0]?.error).toEqual({ type: "ValueError", message: "boom" });
      const recent = await repo.runs.list({ ownerId: alice }, { threadId: t.id, createdAfter: new Date(Date.now() - 60_000) });
      expect(recent.items.map((r) => r.id)).toEqual([r2.id, r1.id]);
      const none = await repo.runs.list({ ownerId: alice }, { threadId: t.id, createdBefore: new Date(Date.now() - 60_000) });
      expect(none.items).toEqual([]);
      expect(await repo.runs.get({ ownerId: bob }, r2.id)).toBeNull();
      const rolled = await repo.runs.markRolledBack(r2.id);
      expect(rolled.rolledBackAt).toBeInstanceOf(Date);
    });
  });

  describe("run admission", () => {
    it("creates a missing thread when asked, else reports it missing; another owner's thread is missing too", async () => {
      const threadId = crypto.randomUUID();
      const base = { threadId, ownerId: alice, assistantId, kwargs: {} };
      expect((await repo.runs.admit({ ownerId: alice }, base, { rejectIfBusy: true, createThread: false })).kind).toBe("no-thread");
      const made = await repo.runs.admit({ ownerId: alice }, base, {
        rejectIfBusy: true,
        createThread: true,
        threadMetadata: { from: "run" },
      });
      expect(made.kind).toBe("created");
      const thread = await repo.threads.get({ ownerId: alice }, threadId);
      expect([thread?.status, thread?.metadata]).toEqual(["busy", { from: "run" }]);
      const foreign = await repo.runs.admit({ ownerId: bob }, { ...base, ownerId: bob }, { rejectIfBusy: false, createThread: true });
      expect(foreign.kind).toBe("no-thread");
    });

    it("admits exactly one of many concurrent runs on an idle thread when busy threads reject", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const attempts = await Promise.all(
        Array.from({ length: 12 }, () =>
          repo.runs.admit(
            { ownerId: alice },
            { threadId: t.id, ownerId: alice, assistantId, kwargs: {} },
            { rejectIfBusy: true, createThread: false },
          ),
        ),
      );
      expect(attempts.filter((a) => a.kind === "created")).toHaveLength(1);
      expect(attempts.filter((a) => a.kind === "busy")).toHaveLength(11);
      expect(await repo.runs.inFlight(t.id)).toHaveLength(1);
    });

    it("queues behind the runs in flight when not rejecting, and reports them", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const input = { threadId: t.id, ownerId: alice, assistantId, kwargs: {} };
      const first = await repo.runs.admit({ ownerId: alice }, input, { rejectIfBusy: false, createThread: false });
      const second = await repo.runs.admit({ ownerId: alice }, input, { rejectIfBusy: false, createThread: false });
      if (first.kind !== "created" || second.kind !== "created") throw new Error("expected both admitted");
      expect(second.inFlight.map((r) => r.id)).toEqual([first.run.id]);
      expect((await repo.runs.inFlight(t.id)).map((r) => r.id)).toEqual([first.run.id, second.run.id]);
    });
  });

  describe("events", () => {
    it("pages a run's events by seq and resumes after a known id", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const run = await repo.runs.create({ threadId: t.id, ownerId: alice, assistantId, kwargs: {} });
      await repo.events.append(
        run.id,
        Array.from({ length: 5 }, (_, i) => ({ seq: i + 1, event: "values", data: { i, text: "héllo ✓" } })),
      );
      const first = await repo.events.list(run.id, { limit: 2 });
      expect(first.items.map((e) => e.seq)).toEqual([1, 2]);
      const second = await repo.events.list(run.id, { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((e) => e.seq)).toEqual([3, 4]);
      const rest = await repo.events.list(run.id, { afterSeq: 4 });
      expect(rest.items.map((e) => e.seq)).toEqual([5]);
      expect(rest.nextCursor).toBeNull();
      expect(rest.items[0]?.data).toEqual({ i: 4, text: "héllo ✓" });
      expect(await repo.events.lastSeq(run.id)).toBe(5);
      expect(await repo.events.lastSeq("no-such-run")).toBeNull();
      // the same seq twice is refused: ids are strictly increasing per run
      await expect(repo.events.append(run.id, [{ seq: 5, event: "values", data: {} }])).rejects.toThrow();
    });

    it("gives an event back byte for byte as it was published: key order, numbers and text as they were", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const run = await repo.runs.create({ threadId: t.id, ownerId: alice, assistantId, kwargs: {} });
      // jsonb would reorder the keys (shorter first) and a replay would differ from what a live reader got
      const data = { zebra: 1, b: { yy: 1, x: 2.5 }, aaa: [{ k2: 1e21, k1: -0.125 }, "tab\t ✓ \u00e9"], a: null };
      await repo.events.append(run.id, [{ seq: 1, event: "values", data }]);
      const [stored] = (await repo.events.list(run.id)).items;
      expect(JSON.stringify(stored?.data)).toBe(JSON.stringify(data));
    });
  });

  describe("feedback", () => {
    it("keeps one per owner, run and key, and summarises per key and assistant", async () => {
      const t = await repo.threads.create({ ownerId: alice });
      const run = await repo.runs.create({ threadId: t.id, ownerId: alice, assistantId, kwargs: {} });
      const f1 = await repo.feedback.upsert({ ownerId: alice }, { runId: run.id, ownerId: alice, key: "thumbs", score: 0 });
      const f2 = await repo.feedback.upsert(
        { ownerId: alice },
        { runId: run.id, ownerId: alice, key: "thumbs", score: 1, comment: "better" },
      );
      expect(f2?.id).toBe(f1?.id);
      expect(f2?.comment).toBe("better");
      await repo.feedback.upsert({ ownerId: alice }, { runId: run.id, ownerId: alice, key: "accuracy", score: 0.5, value: { note: "ok" } });
      expect(await repo.feedback.upsert({ ownerId: bob }, { runId: run.id, ownerId: bob, key: "thumbs", score: 1 })).toBeNull();
      const byThread = await repo.feedback.list({ ownerId: alice }, { threadId: t.id });
      expect(byThread.items.map((f) => f.key).sort()).toEqual(["accuracy", "thumbs"]);
      const summary = await repo.feedback.summary({ ownerId: alice }, { assistantId });
      expect(summary).toEqual([
        { key: "accuracy", count: 1, meanScore: 0.5 },
        { key: "thumbs", count: 1, meanScore: 1 },
      ]);
      expect(await repo.feedback.delete({ ownerId: bob }, f1!.id)).toBe(false);
      expect(await repo.feedback.delete({ ownerId: alice }, f1!.id)).toBe(true);
    });
  });

  describe("usage", () => {
    it("sums calls on the run and aggregates by model, caller, time bucket and top threads", async () => {
      const owner = (await repo.users.createUser({ email: "usage@example.com", name: "U" })).id;
      const t1 = await repo.threads.create({ ownerId: owner });
      const t2 = await repo.threads.create({ ownerId: owner });
      const r1 = await repo.runs.create({ threadId: t1.id, ownerId: owner, assistantId, kwargs: {} });
      const r2 = await repo.runs.create({ threadId: t2.id, ownerId: owner, assistantId, kwargs: {} });
      const h = (hours: number) => new Date(Date.UTC(2026, 0, 1, hours, 30));
      const base = { ownerId: owner, assistantId };
      await repo.usage.record({
        ...base,
        runId: r1.id,
        threadId: t1.id,
        model: "gpt",
        caller: "lead_agent",
        inputTokens: 10,
        outputTokens: 5,
        createdAt: h(1),
      });
      await repo.usage.record({
        ...base,
        runId: r1.id,
        threadId: t1.id,
        model: "mini",
        caller: "subagent",
        inputTokens: 3,
        outputTokens: 2,
        createdAt: h(1),
      });
      await repo.usage.record({
        ...base,
        runId: r2.id,
        threadId: t2.id,
        model: "gpt",
        caller: "middleware",
        inputTokens: 1,
        outputTokens: 1,
        createdAt: h(2),
      });

      const run = await repo.runs.get(ALL, r1.id);
      expect([run?.inputTokens, run?.outputTokens, run?.totalTokens]).toEqual([13, 7, 20]);

      const thread = await repo.usage.byThread({ ownerId: owner }, t1.id);
      expect(thread.total).toEqual({ inputTokens: 13, outputTokens: 7, totalTokens: 20, calls: 2 });
      expect(thread.byModel.map((m) => [m.model, m.totalTokens])).toEqual([
        ["gpt", 15],
        ["mini", 5],
      ]);
      expect(thread.byCaller.map((c) => [c.caller, c.totalTokens])).toEqual([
        ["lead_agent", 15],
        ["subagent", 5],
      ]);
      expect((await repo.usage.byThread({ ownerId: bob }, t1.id)).total.calls).toBe(0);

      const hourly = await repo.usage.summary({ ownerId: owner }, { from: h(0), to: h(5), bucket: "hour", groupBy: "model" });
      expect(hourly.map((b) => [b.start.toISOString(), b.group, b.totals.totalTokens])).toEqual([
        ["2026-01-01T01:00:00.000Z", "gpt", 15],
        ["2026-01-01T01:00:00.000Z", "mini", 5],
        ["2026-01-01T02:00:00.000Z", "gpt", 2],
      ]);
      const daily = await repo.usage.summary({ ownerId: owner }, { from: h(0), to: h(5), bucket: "day", groupBy: "caller" });
      expect(daily.map((b) => [b.group, b.totals.totalTokens])).toEqual([
        ["lead_agent", 15],
        ["middleware", 2],
        ["subagent", 5],
      ]);

      const top = await repo.usage.top({ ownerId: owner }, { by: "thread" });
      expect(top.map((x) => [x.id, x.totals.totalTokens])).toEqual([
        [t1.id, 20],
        [t2.id, 2],
      ]);
      const topAssistants = await repo.usage.top({ ownerId: owner }, { by: "assistant" });
      expect(topAssistants).toEqual([{ id: assistantId, totals: { inputTokens: 14, outputTokens: 8, totalTokens: 22, calls: 3 } }]);
    });
  });

  describe("users and API keys", () => {
    it("stores only the hash, finds the owner by key, and lets only the owner revoke", async () => {
      const key = "lgrs_test_" + Math.random().toString(36).slice(2);
      const info = await repo.users.createApiKey({ userId: alice, plainKey: key, name: "ci" });
      expect(info).not.toHaveProperty("key");
      const stored = await database().prisma.apikey.findUnique({ where: { id: info.id } });
      expect(stored?.key).toBe(hashApiKey(key));
      expect(stored?.key).not.toContain(key);
      expect((await repo.users.findUserByApiKey(key))?.id).toBe(alice);
      expect(await repo.users.findUserByApiKey(key + "x")).toBeNull();
      const listed = await repo.users.listApiKeys(alice);
      expect(listed.items.map((k) => k.name)).toContain("ci");
      expect(listed.items.every((k) => !("key" in k))).toBe(true);
      expect(await repo.users.revokeApiKey(bob, info.id)).toBe(false);
      expect(await repo.users.revokeApiKey(alice, info.id)).toBe(true);
      expect(await repo.users.findUserByApiKey(key)).toBeNull();
    });

    it("ignores expired keys and finds users by email case-insensitively", async () => {
      const key = "lgrs_old_" + Math.random().toString(36).slice(2);
      await repo.users.createApiKey({ userId: bob, plainKey: key, expiresAt: new Date(Date.now() - 1000) });
      expect(await repo.users.findUserByApiKey(key)).toBeNull();
      expect((await repo.users.getUserByEmail("ALICE@example.com"))?.id).toBe(alice);
    });
  });

  describe("assistants", () => {
    it("versions every change and filters by graph and metadata", async () => {
      const a = await repo.assistants.create({
        graphId: "slow",
        name: "slow one",
        metadata: { tier: "gold" },
        config: { configurable: { k: 1 } },
      });
      const b = await repo.assistants.update(a.id, { name: "renamed", config: { configurable: { k: 2 } } });
      expect(b?.version).toBe(2);
      expect((await repo.assistants.versions(a.id)).map((v) => [v.version, v.name])).toEqual([
        [2, "renamed"],
        [1, "slow one"],
      ]);
      const gold = await repo.assistants.list({ metadata: { tier: "gold" } });
      expect(gold.items.map((x) => x.id)).toEqual([a.id]);
      const slow = await repo.assistants.list({ graphId: "slow" });
      expect(slow.items.map((x) => x.id)).toEqual([a.id]);
      expect(await repo.assistants.update("00000000-0000-0000-0000-000000000000", { name: "x" })).toBeNull();
    });
  });
});
