import { describe, expect, it } from "vitest";
import { ALL, PrismaCheckpointSaver, parseDatabaseUrl, repositories, startDatabase, type Database, type JsonObject } from "../src/index.ts";
import { directRows } from "../src/repositories/direct-rows.ts";
import type { Prisma } from "../src/generated/sqlite/client.ts";
import { testTargets, type TestTarget } from "./databases.ts";

/** A migrated database of `target` for one test, and its removal. */
async function fresh(target: TestTarget): Promise<{ db: Database; remove(): Promise<void> }> {
  const created = await target.create();
  const db = await startDatabase(created.config);
  return {
    db,
    async remove() {
      await db.close();
      await created.drop();
    },
  };
}

describe.each(testTargets)("a run's reads and writes made on the $provider connection directly", (target) => {
  it("give exactly the rows Prisma gives, and store what Prisma reads back the same", async () => {
    const { db, remove } = await fresh(target);
    try {
      const repos = repositories(db);
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      const assistant = await repos.assistants.create({
        graphId: "agent",
        name: "agent",
        config: { configurable: { model: "fake" }, recursion_limit: 7 },
        metadata: { team: "naïve ✓" },
      });
      expect(directRows(db.prisma)).toBeDefined();
      expect(await repos.assistants.get(assistant.id)).toStrictEqual(await db.prisma.assistant.findUnique({ where: { id: assistant.id } }));
      expect(await repos.assistants.get("missing")).toBeNull();

      await db.prisma.thread.create({ data: { id: "t1", ownerId: owner.id, metadata: {} } });
      const threadRead = (id: string) => db.prisma.thread.findUnique({ where: { id } });
      const made = await repos.threads.create({
        ownerId: owner.id,
        metadata: { team: "naïve ✓", n: [1, { ok: true }] },
        ttl: { strategy: "delete", minutes: 5 },
      });
      expect(made).toStrictEqual(await db.prisma.thread.findUnique({ where: { id: made.id } }));
      expect(made.metadata).toEqual({ team: "naïve ✓", n: [1, { ok: true }] });
      // an own `__proto__` key (JSON.parse makes one from a request body) is left out as Prisma leaves it out
      const parsed = JSON.parse('{"constructor":1,"nested":{"__proto__":{"polluted":true},"prototype":"p"}}') as JsonObject;
      const directMade = await repos.threads.create({ ownerId: owner.id, metadata: parsed });
      const viaPrisma = await db.prisma.thread.create({
        data: { id: "t-prisma", ownerId: owner.id, metadata: parsed as Prisma.InputJsonObject },
      });
      const nestedOf = async (id: string) => ((await threadRead(id))!.metadata as { nested: object }).nested;
      expect(Object.getOwnPropertyNames(await nestedOf(viaPrisma.id))).toEqual(["prototype"]);
      expect((await threadRead(directMade.id))!.metadata).toStrictEqual((await threadRead(viaPrisma.id))!.metadata);
      expect(Object.getOwnPropertyNames(await nestedOf(directMade.id))).toEqual(["prototype"]);
      // a repeated id is refused as Prisma refuses it, which is how the thread service tells a conflict
      await expect(repos.threads.create({ id: made.id, ownerId: owner.id })).rejects.toMatchObject({ code: "P2002" });
      const run = await repos.runs.create({
        threadId: "t1",
        ownerId: owner.id,
        assistantId: assistant.id,
        kwargs: { input: { messages: [{ role: "user", content: "hi" }] }, stream_mode: ["values"] },
        metadata: { n: 1, nested: { ok: true } },
        notBefore: new Date("2026-11-30T01:02:03.456Z"),
      });
      const prismaRow = () => db.prisma.run.findUnique({ where: { id: run.id } });

      const started = await repos.runs.transition(run.id, { status: "running", startedAt: new Date(), workerId: "w1", checkpointId: "c1" });
      expect(started).toStrictEqual(await prismaRow());
      expect(started.startedAt).toBeInstanceOf(Date);
      expect(started.attempt).toBe(1);

      expect(await repos.runs.get(ALL, run.id)).toStrictEqual(await prismaRow());
      expect(await repos.runs.get({ ownerId: owner.id }, run.id, { threadId: "t1" })).toStrictEqual(await prismaRow());
      expect(await repos.runs.get({ ownerId: "someone-else" }, run.id)).toBeNull();
      expect(await repos.runs.get(ALL, run.id, { threadId: "t2" })).toBeNull();
      expect(await repos.runs.inFlight("t1")).toStrictEqual([await prismaRow()]);

      const ended = await repos.runs.transition(run.id, {
        status: "error",
        error: { type: "ValueError", message: "boom \u2713" },
        endedAt: new Date(),
      });
      expect(ended).toStrictEqual(await prismaRow());
      expect(ended.error).toEqual({ type: "ValueError", message: "boom \u2713" });
      expect(await repos.runs.inFlight("t1")).toEqual([]);
      // a rolled-back run is hidden from a read that asks for runs not rolled back, and only then
      expect(await repos.runs.get(ALL, run.id, { rolledBack: false })).toStrictEqual(await prismaRow());
      await repos.runs.markRolledBack(run.id);
      expect(await repos.runs.get(ALL, run.id, { rolledBack: false })).toBeNull();
      expect(await repos.runs.get({ ownerId: owner.id }, run.id, { threadId: "t1" })).toStrictEqual(await prismaRow());
      expect((await repos.runs.get(ALL, run.id, { rolledBack: true }))?.rolledBackAt).toBeInstanceOf(Date);
      await expect(repos.runs.transition("missing", { status: "success" })).rejects.toMatchObject({ code: "P2025" });

      const settled = await repos.threads.update({ ownerId: owner.id }, "t1", {
        status: "idle",
        values: { messages: [{ type: "ai", content: "naïve ✓" }] },
        interrupts: [],
        ttl: { strategy: "delete", minutes: 5 },
      });
      const threadRow = () => db.prisma.thread.findUnique({ where: { id: "t1" } });
      expect(settled).toStrictEqual(await threadRow());
      expect(settled?.values).toEqual({ messages: [{ type: "ai", content: "naïve ✓" }] });
      expect(await repos.threads.update(ALL, "t1", { values: null, ttl: null })).toStrictEqual(await threadRow());
      expect((await threadRow())?.values).toBeNull();
      // a JSON column holding a string reads back as that string, not as its parsed text
      const [plain] = await directRows(db.prisma)!.update("Thread", "thread", { values: "[1]" }, { id: "t1" });
      expect(plain).toStrictEqual(await threadRow());
      expect((await threadRow())?.values).toBe("[1]");
      expect(await repos.threads.update({ ownerId: "someone-else" }, "t1", { status: "busy" })).toBeNull();
      expect((await threadRow())?.status).toBe("idle");

      const saver = new PrismaCheckpointSaver(db.prisma);
      expect(await saver.latestCheckpointId("t1")).toBeNull();
      for (const [checkpointNs, checkpointId] of [
        ["", "1f0-a"],
        ["", "1f0-b"],
        ["child:1", "1f0-c"],
      ]) {
        const bytes = new Uint8Array([123, 125]);
        await db.prisma.checkpoint.create({
          data: {
            threadId: "t1",
            checkpointNs: checkpointNs!,
            checkpointId: checkpointId!,
            type: "json",
            checkpoint: bytes,
            metadata: bytes,
          },
        });
      }
      // the root namespace's newest
      expect(await saver.latestCheckpointId("t1")).toBe("1f0-b");
      await db.prisma.checkpointWrite.create({
        data: {
          threadId: "t1",
          checkpointNs: "",
          checkpointId: "1f0-b",
          taskId: "task",
          idx: -1,
          channel: "__error__",
          type: "json",
          value: new TextEncoder().encode(JSON.stringify("boom")),
          taskPath: "",
        },
      });
      const direct = directRows(db.prisma)!;
      expect(await direct.all("Checkpoint", `SELECT * FROM "checkpoint" ORDER BY "checkpointId"`, [])).toStrictEqual(
        await db.prisma.checkpoint.findMany({ orderBy: { checkpointId: "asc" } }),
      );
      expect(await direct.all("CheckpointWrite", `SELECT * FROM "checkpoint_write"`, [])).toStrictEqual(
        await db.prisma.checkpointWrite.findMany(),
      );
    } finally {
      await remove();
    }
  });
});

describe.each(testTargets.filter((t) => t.provider === "postgresql"))("direct statements on PostgreSQL", (target) => {
  const preparedNames = async (db: Database) => {
    const rows = await directRows(db.prisma)!.all<{ name: string }>("Run", "SELECT name FROM pg_prepared_statements", []);
    return rows.map((r) => r.name);
  };

  it("are prepared once per connection by name, unless DATABASE_URL says pgbouncer=true", async () => {
    const created = await target.create();
    try {
      for (const [url, named] of [
        [created.config.url, true],
        [`${created.config.url}?pgbouncer=true`, false],
      ] as const) {
        const db = await startDatabase(parseDatabaseUrl(url));
        try {
          // one connection: the pool hands the same idle one back to each statement in turn
          await repositories(db).assistants.get("missing");
          expect(await repositories(db).assistants.get("missing")).toBeNull();
          const names = await preparedNames(db);
          expect(names.some((n) => n.startsWith("lgrs_"))).toBe(named);
        } finally {
          await db.close();
        }
      }
    } finally {
      await created.drop();
    }
  });
});

describe.each(testTargets)("a run's admission made on the $provider connection directly", (target) => {
  it("admit: the run and thread rows Prisma reads back, a busy thread left untouched, another owner's thread refused", async () => {
    const { db, remove } = await fresh(target);
    try {
      const repos = repositories(db);
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      const assistant = await repos.assistants.create({ graphId: "agent", name: "agent" });
      const input = {
        threadId: "t1",
        ownerId: owner.id,
        assistantId: assistant.id,
        kwargs: { input: { text: "naïve ✓" }, streamMode: ["values"] },
        metadata: { n: 1 },
        notBefore: new Date("2026-11-30T01:02:03.456Z"),
        onCompletion: "keep" as const,
        multitaskStrategy: "enqueue" as const,
      };
      const options = { rejectIfBusy: false, createThread: true, threadMetadata: { graph_id: "agent" } };
      const made = await repos.runs.admit({ ownerId: owner.id }, input, options);
      if (made.kind !== "created") throw new Error(`expected created, got ${made.kind}`);
      expect(made.inFlight).toEqual([]);
      expect(made.run).toStrictEqual(await db.prisma.run.findUnique({ where: { id: made.run.id } }));
      expect(made.run).toMatchObject({
        status: "pending",
        attempt: 1,
        multitaskStrategy: "enqueue",
        kwargs: input.kwargs,
        onCompletion: "keep" as const,
      });
      const thread = await db.prisma.thread.findUnique({ where: { id: "t1" } });
      expect(thread).toMatchObject({ status: "busy", ownerId: owner.id, metadata: { graph_id: "agent" } });
      expect(thread!.createdAt.getTime()).toBe(made.run.createdAt.getTime());

      // a second run on the busy thread: the first is in flight, the thread metadata merged
      const second = await repos.runs.admit(
        { ownerId: owner.id },
        { ...input, metadata: {} },
        { ...options, threadMetadata: { assistant_id: "a" } },
      );
      if (second.kind !== "created") throw new Error(`expected created, got ${second.kind}`);
      expect(second.inFlight).toStrictEqual([await db.prisma.run.findUnique({ where: { id: made.run.id } })]);
      expect((await db.prisma.thread.findUnique({ where: { id: "t1" } }))?.metadata).toEqual({ graph_id: "agent", assistant_id: "a" });

      // reject: nothing written, the thread as it was
      const before = await db.prisma.thread.findUnique({ where: { id: "t1" } });
      const busy = await repos.runs.admit({ ownerId: owner.id }, input, {
        rejectIfBusy: true,
        createThread: false,
        threadMetadata: { x: 1 },
      });
      expect(busy.kind).toBe("busy");
      expect(await db.prisma.thread.findUnique({ where: { id: "t1" } })).toStrictEqual(before);
      expect(await db.prisma.run.count()).toBe(2);

      expect((await repos.runs.admit({ ownerId: "someone-else" }, input, options)).kind).toBe("no-thread");
      expect((await repos.runs.admit({ ownerId: owner.id }, { ...input, threadId: "t2" }, { ...options, createThread: false })).kind).toBe(
        "no-thread",
      );
      expect(await db.prisma.thread.count()).toBe(1);

      // token usage: the row Prisma reads, the run's totals added to (and its updatedAt moved, as Prisma's update does)
      const runBefore = await db.prisma.run.findUnique({ where: { id: made.run.id } });
      await new Promise((resolve) => setTimeout(resolve, 2));
      const usage = await repos.usage.record({
        runId: made.run.id,
        threadId: "t1",
        ownerId: owner.id,
        assistantId: assistant.id,
        model: "fake-model",
        caller: "lead_agent",
        inputTokens: 7,
        outputTokens: 5,
      });
      expect(usage).toStrictEqual(await db.prisma.tokenUsage.findUnique({ where: { id: usage.id } }));
      expect(usage).toMatchObject({ totalTokens: 12, model: "fake-model" });
      const runAfter = await db.prisma.run.findUnique({ where: { id: made.run.id } });
      expect(runAfter).toMatchObject({ inputTokens: 7, outputTokens: 5, totalTokens: 12 });
      expect(runAfter!.updatedAt.getTime()).toBeGreaterThan(runBefore!.updatedAt.getTime());
      const orphan = {
        runId: "missing",
        threadId: "t1",
        ownerId: owner.id,
        model: "m",
        caller: "lead_agent" as const,
        inputTokens: 1,
        outputTokens: 1,
      };
      await expect(repos.usage.record(orphan)).rejects.toMatchObject({ code: "P2025" });
      expect(await db.prisma.tokenUsage.count()).toBe(1);
    } finally {
      await remove();
    }
  });

  it("admit: runs admitted at once on one new thread make it once, and only one of those refusing a busy thread gets in", async () => {
    const { db, remove } = await fresh(target);
    try {
      const repos = repositories(db);
      const owner = await db.prisma.user.create({ data: { id: "u1", name: "u", email: "u@example.com" } });
      const assistant = await repos.assistants.create({ graphId: "agent", name: "agent" });
      const input = (threadId: string) => ({ threadId, ownerId: owner.id, assistantId: assistant.id, kwargs: {}, metadata: {} });
      const queued = await Promise.all(
        Array.from({ length: 6 }, () =>
          repos.runs.admit({ ownerId: owner.id }, input("t-new"), { rejectIfBusy: false, createThread: true }),
        ),
      );
      expect(queued.map((a) => a.kind)).toEqual(Array(6).fill("created"));
      // each saw the ones admitted before it: 0, 1, ... runs in flight
      expect(queued.map((a) => (a.kind === "created" ? a.inFlight.length : -1)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await db.prisma.thread.count({ where: { id: "t-new" } })).toBe(1);

      const rejecting = await Promise.all(
        Array.from({ length: 6 }, () =>
          repos.runs.admit({ ownerId: owner.id }, input("t-once"), { rejectIfBusy: true, createThread: true }),
        ),
      );
      expect(rejecting.map((a) => a.kind).sort()).toEqual(["busy", "busy", "busy", "busy", "busy", "created"]);
      expect(await db.prisma.run.count({ where: { threadId: "t-once" } })).toBe(1);
    } finally {
      await remove();
    }
  });
});
