// PrismaCheckpointSaver: LangGraph's official conformance suite, then the server's own
// needs (rollback of one run, thread copies, the storage of carried-over values).
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deltaChannelHistoryTests, validate } from "@langchain/langgraph-checkpoint-validation";
import {
  ERROR,
  INTERRUPT,
  TASKS,
  uuid6,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointTuple,
} from "@langchain/langgraph-checkpoint";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Database } from "../src/client.ts";
import { PrismaCheckpointSaver } from "../src/langgraph/checkpointer.ts";
import { testTargets } from "./databases.ts";
import { useMigratedDatabase } from "./setup-database.ts";

// The validation specs call describe/it/expect/... as globals (their CLI runs Vitest with
// `globals: true`); this repository's config does not, so hand them ours.
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });

describe.each(testTargets)("PrismaCheckpointSaver on $provider", (target) => {
  const database = useMigratedDatabase(target);

  // The suite wants every checkpointer it creates to start empty: one database per
  // target, emptied for each new checkpointer (only one is live at a time).
  const initializer = {
    checkpointerName: `PrismaCheckpointSaver (${target.provider})`,
    async createCheckpointer() {
      await database().prisma.$transaction([database().prisma.checkpointWrite.deleteMany(), database().prisma.checkpoint.deleteMany()]);
      return new PrismaCheckpointSaver(database().prisma);
    },
  };
  validate(initializer);
  // opt-in part of the official suite (the reference savers all run it)
  deltaChannelHistoryTests(initializer);

  describe("server operations", () => {
    let saver: PrismaCheckpointSaver;
    beforeAll(() => {
      saver = new PrismaCheckpointSaver(database().prisma);
    });

    it("put stores the run id from metadata, else from the config", async () => {
      const threadId = randomUUID();
      const first = await saver.put(
        { configurable: { thread_id: threadId, run_id: "run-from-config" } },
        checkpointWith({ a: 1 }, { a: 1 }),
        meta(-1, { run_id: "run-from-metadata" }),
        { a: 1 },
      );
      await saver.put({ configurable: { ...first.configurable, run_id: "run-from-config" } }, checkpointWith({ a: 2 }, { a: 2 }), meta(0), {
        a: 2,
      });
      const rows = await database().prisma.checkpoint.findMany({
        where: { threadId },
        orderBy: { checkpointId: "asc" },
        select: { runId: true },
      });
      expect(rows.map((row) => row.runId)).toEqual(["run-from-metadata", "run-from-config"]);
    });

    it("a run's saver: closing waits for the writes under way and skips any made after", async () => {
      const threadId = randomUUID();
      const runSaver = saver.forRun();
      const config = { configurable: { thread_id: threadId, run_id: "run-1" } };
      // not awaited: the run ends while this save is under way, as an aborted graph's does
      const underWay = runSaver.put(config, checkpointWith({ a: 1 }, { a: 1 }), meta(-1), { a: 1 });
      await runSaver.close(threadId);
      expect(await countRows(database(), threadId)).toEqual({ checkpoints: 1, writes: 0 });
      const saved = await underWay;
      // a late save (a failed task's error write, a step that finished as the run was aborted) writes nothing
      await runSaver.put(saved, checkpointWith({ a: 2 }, { a: 2 }), meta(0), { a: 2 });
      await runSaver.putWrites(saved, [["a", 3]], "task-1");
      expect(await countRows(database(), threadId)).toEqual({ checkpoints: 1, writes: 0 });
      // the shared saver and other runs' savers still write
      await saver.forRun().putWrites(saved, [["a", 3]], "task-1");
      expect(await countRows(database(), threadId)).toEqual({ checkpoints: 1, writes: 1 });
    });

    it("keeps values carried over from earlier checkpoints, storing each only once", async () => {
      const threadId = randomUUID();
      const run = new ThreadWriter(saver, threadId);
      await run.step({ messages: ["hi"], settings: { deep: [1, "ü"] } }, { messages: 1, settings: 1 });
      await run.step({ messages: ["hi", "there"] }, { messages: 2 });
      await run.step({ counter: 1 }, { counter: 1 });
      const latest = await saver.getTuple({ configurable: { thread_id: threadId } });
      expect(latest?.checkpoint.channel_values).toEqual({
        messages: ["hi", "there"],
        settings: { deep: [1, "ü"] },
        counter: 1,
      });
      // the same through list, where several checkpoints carry values from one ancestor
      const history = await collect(saver.list({ configurable: { thread_id: threadId } }));
      expect(history.map((tuple) => tuple.checkpoint.channel_values)).toEqual([
        { messages: ["hi", "there"], settings: { deep: [1, "ü"] }, counter: 1 },
        { messages: ["hi", "there"], settings: { deep: [1, "ü"] } },
        { messages: ["hi"], settings: { deep: [1, "ü"] } },
      ]);
      // tuples never share objects: changing one leaves the others alone
      (history[0]!.checkpoint.channel_values as { settings: { deep: unknown[] } }).settings.deep.push("x");
      expect((history[1]!.checkpoint.channel_values as { settings: { deep: unknown[] } }).settings.deep).toEqual([1, "ü"]);
      // the first value of "settings" is written once, in the first row only
      const rows = await database().prisma.checkpoint.findMany({ where: { threadId }, orderBy: { checkpointId: "asc" } });
      const text = rows.map((row) => Buffer.from(row.checkpoint).toString("utf8"));
      expect(text.map((t) => t.includes('"deep"'))).toEqual([true, false, false]);
    });

    it("putWrites: special channels replace, regular writes never overwrite, order follows task path", async () => {
      const threadId = randomUUID();
      const config = await saver.put({ configurable: { thread_id: threadId } }, checkpointWith({}, {}), meta(-1), {});
      await saver.putWrites(
        config,
        [
          ["a", "first"],
          [ERROR, "boom"],
        ],
        "task-b",
        "path-2",
      );
      await saver.putWrites(
        config,
        [
          ["a", "retried"],
          [ERROR, "boom again"],
        ],
        "task-b",
        "path-2",
      );
      await saver.putWrites(config, [[INTERRUPT, { value: "ask" }]], "task-a", "path-1");
      await saver.putWrites(config, [["input", 1]], "task-z");
      const tuple = await saver.getTuple(config);
      expect(tuple?.pendingWrites).toEqual([
        ["task-z", "input", 1], // no task path sorts first
        ["task-a", INTERRUPT, { value: "ask" }],
        ["task-b", ERROR, "boom again"],
        ["task-b", "a", "first"],
      ]);
    });

    it("list honours filter, before and limit together, newest first", async () => {
      const threadId = randomUUID();
      const run = new ThreadWriter(saver, threadId);
      for (let step = 0; step < 7; step += 1) {
        await run.step({ n: step }, { n: step + 1 }, { source: step % 2 === 0 ? "loop" : "update", extra: { step } });
      }
      const ids = run.ids;
      const loops = await collect(saver.list({ configurable: { thread_id: threadId } }, { filter: { source: "loop" } }));
      expect(loops.map((t) => t.checkpoint.id)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
      const page = await collect(
        saver.list(
          { configurable: { thread_id: threadId } },
          { filter: { source: "loop" }, before: { configurable: { checkpoint_id: ids[5] } }, limit: 2 },
        ),
      );
      expect(page.map((t) => t.checkpoint.id)).toEqual([ids[4], ids[2]]);
      const nested = await collect(saver.list({ configurable: { thread_id: threadId } }, { filter: { extra: { step: 3 } } }));
      expect(nested.map((t) => t.checkpoint.id)).toEqual([ids[3]]);
    });

    it("list pages through long histories, ordering equal ids from copied threads", async () => {
      // more than one page (100 rows); copies share checkpoint ids, so ties need the thread order
      const checkpointNs = `paging-${randomUUID()}`;
      const threads = [randomUUID(), randomUUID(), randomUUID()];
      const run = new ThreadWriter(saver, threads[0]!, { checkpointNs });
      for (let step = 0; step < 120; step += 1) {
        const changes: Record<string, unknown> = step === 0 ? { n: step, settings: { model: "m" } } : { n: step };
        const versions: Record<string, number> = step === 0 ? { n: 1, settings: 1 } : { n: step + 1 };
        await run.step(changes, versions, { source: step % 3 === 0 ? "input" : "loop" });
      }
      await saver.copyThread(threads[0]!, threads[1]!);
      await saver.copyThread(threads[0]!, threads[2]!);
      const byThreadDesc = [...threads].sort().reverse();
      const expected = [...run.ids].reverse().flatMap((id) => byThreadDesc.map((threadId) => `${id}@${threadId}`));
      const listed = async (options = {}) =>
        (await collect(saver.list({ configurable: { checkpoint_ns: checkpointNs } }, options))).map(
          (tuple) => `${tuple.checkpoint.id}@${tuple.config.configurable?.thread_id}`,
        );
      expect(await listed()).toEqual(expected);
      expect(await listed({ limit: 250 })).toEqual(expected.slice(0, 250));
      const inputs = await listed({ filter: { source: "input" } });
      expect(inputs).toEqual(expected.filter((entry) => run.ids.indexOf(entry.split("@")[0]!) % 3 === 0));
      // a copy's latest checkpoint still has the value written 119 checkpoints earlier
      const latest = await saver.getTuple({ configurable: { thread_id: threads[2], checkpoint_ns: checkpointNs } });
      expect(latest?.checkpoint.channel_values).toEqual({ n: 119, settings: { model: "m" } });
    });

    it("deleteRunCheckpoints removes exactly one run's checkpoints and writes, all namespaces", async () => {
      const threadId = randomUUID();
      const other = randomUUID();
      const earlier = new ThreadWriter(saver, threadId, { runId: "run-1" });
      await earlier.step({ messages: ["hi"] }, { messages: 1 });
      await earlier.step({ messages: ["hi", "hello"] }, { messages: 2 }, {}, [["messages", ["more"]]]);
      // the other thread shares the run id: it must not be touched
      const elsewhere = new ThreadWriter(saver, other, { runId: "run-2" });
      await elsewhere.step({ x: 1 }, { x: 1 });

      const before = await snapshot(saver, threadId);
      const rowsBefore = await countRows(database(), threadId);

      const rolledBack = new ThreadWriter(saver, threadId, { runId: "run-2", from: earlier.config });
      await rolledBack.step({ messages: ["hi", "hello", "bye"] }, { messages: 3 }, {}, [["messages", ["x"]]]);
      await rolledBack.step({ other: true }, { other: 1 }, {}, [[TASKS, "send"]]);
      const subgraph = new ThreadWriter(saver, threadId, { runId: "run-2", checkpointNs: "child:1" });
      await subgraph.step({ inner: 1 }, { inner: 1 }, {}, [["inner", 2]]);
      expect(await countRows(database(), threadId)).toEqual({ checkpoints: rowsBefore.checkpoints + 3, writes: rowsBefore.writes + 3 });

      expect(await saver.deleteRunCheckpoints(threadId, "run-2")).toBe(3);
      expect(await snapshot(saver, threadId)).toEqual(before);
      expect(await countRows(database(), threadId)).toEqual(rowsBefore);
      expect((await saver.getTuple({ configurable: { thread_id: threadId } }))?.checkpoint.id).toBe(earlier.ids[1]);
      expect(await collect(saver.list({ configurable: { thread_id: threadId, checkpoint_ns: "child:1" } }))).toEqual([]);
      expect(await collect(saver.list({ configurable: { thread_id: other } }))).toHaveLength(1);
      // nothing left to remove
      expect(await saver.deleteRunCheckpoints(threadId, "run-2")).toBe(0);
    });

    it("deleteRunCheckpoints also removes the writes a run added to an earlier run's checkpoint (a resume)", async () => {
      const threadId = randomUUID();
      const earlier = new ThreadWriter(saver, threadId, { runId: "run-1" });
      await earlier.step({ a: 1 }, { a: 1 }, {}, [[INTERRUPT, [{ value: "approve?" }]]]);
      const before = await snapshot(saver, threadId);
      const rowsBefore = await countRows(database(), threadId);

      // the resuming run writes its resume value against run-1's checkpoint, then moves on
      const resumeConfig = { configurable: { ...earlier.config.configurable, run_id: "run-2" } };
      await saver.putWrites(resumeConfig, [["__resume__", "yes"]], "resume-task");
      const resumed = new ThreadWriter(saver, threadId, { runId: "run-2", from: earlier.config });
      await resumed.step({ a: 2 }, { a: 2 });
      expect((await countRows(database(), threadId)).writes).toBe(rowsBefore.writes + 1);

      await saver.deleteRunCheckpoints(threadId, "run-2");
      expect(await snapshot(saver, threadId)).toEqual(before);
      expect(await countRows(database(), threadId)).toEqual(rowsBefore);
    });

    it("deleteRunCheckpoints refuses to cut later history off its parents", async () => {
      const threadId = randomUUID();
      const first = new ThreadWriter(saver, threadId, { runId: "run-1" });
      await first.step({ a: 1 }, { a: 1 });
      const second = new ThreadWriter(saver, threadId, { runId: "run-2", from: first.config });
      await second.step({ a: 2 }, { a: 2 });
      const third = new ThreadWriter(saver, threadId, { runId: "run-3", from: second.config });
      await third.step({ b: 1 }, { b: 1 });
      const before = await snapshot(saver, threadId);
      await expect(saver.deleteRunCheckpoints(threadId, "run-2")).rejects.toThrow(/descends from them/);
      expect(await snapshot(saver, threadId)).toEqual(before);
    });

    it("copyThread copies every checkpoint and write, and the copy stands on its own", async () => {
      const from = randomUUID();
      const to = randomUUID();
      const run = new ThreadWriter(saver, from, { runId: "run-1" });
      await run.step({ messages: ["hi"], settings: { deep: true } }, { messages: 1, settings: 1 }, { thread_id: from });
      await run.step({ messages: ["hi", "yo"] }, { messages: 2 }, { thread_id: from }, [["messages", ["next"]]]);
      const subgraph = new ThreadWriter(saver, from, { runId: "run-1", checkpointNs: "child:1" });
      await subgraph.step({ inner: 1 }, { inner: 1 }, {}, [[INTERRUPT, "wait"]]);

      await saver.copyThread(from, to);
      const original = await snapshot(saver, from);
      const copy = await snapshot(saver, to);
      expect(copy).toEqual(
        original.map((tuple) => ({
          ...retarget(tuple, to),
          metadata: (tuple.metadata as { thread_id?: string }).thread_id === from ? { ...tuple.metadata, thread_id: to } : tuple.metadata,
        })),
      );
      expect(copy.map((tuple) => tuple.checkpoint.channel_values)).toContainEqual({ messages: ["hi", "yo"], settings: { deep: true } });
      expect(await countRows(database(), to)).toEqual(await countRows(database(), from));

      // the copy is independent: removing the source leaves it whole
      await saver.deleteThread(from);
      expect(await snapshot(saver, from)).toEqual([]);
      expect(await snapshot(saver, to)).toEqual(copy);
      // and rollback works on the copy (same run ids)
      expect(await saver.deleteRunCheckpoints(to, "run-1")).toBe(3);
      expect(await countRows(database(), to)).toEqual({ checkpoints: 0, writes: 0 });
    });

    it("copyThread refuses a target that already has checkpoints", async () => {
      const from = randomUUID();
      const to = randomUUID();
      await new ThreadWriter(saver, from).step({ a: 1 }, { a: 1 });
      await new ThreadWriter(saver, to).step({ b: 1 }, { b: 1 });
      await expect(saver.copyThread(from, to)).rejects.toThrow(/already has checkpoints/);
      expect(await countRows(database(), to)).toEqual({ checkpoints: 1, writes: 0 });
    });

    it("deleteThread removes the thread's checkpoints and writes only", async () => {
      const threadId = randomUUID();
      const other = randomUUID();
      await new ThreadWriter(saver, threadId).step({ a: 1 }, { a: 1 }, {}, [["a", 2]]);
      await new ThreadWriter(saver, other).step({ a: 1 }, { a: 1 }, {}, [["a", 2]]);
      await saver.deleteThread(threadId);
      expect(await countRows(database(), threadId)).toEqual({ checkpoints: 0, writes: 0 });
      expect(await countRows(database(), other)).toEqual({ checkpoints: 1, writes: 1 });
    });
  });
});

// ---------------------------------------------------------------------------
// Helpers: a thread written the way LangGraph's loop writes it

/** Puts successive checkpoints on one thread/namespace, each under the previous one. */
class ThreadWriter {
  readonly ids: string[] = [];
  /** the latest checkpoint's config: the parent of the next one */
  config: RunnableConfig;
  private values: Record<string, unknown> = {};
  private versions: Record<string, number> = {};
  /** set when continuing an existing checkpoint, whose state is loaded on the first step */
  private continueFrom?: RunnableConfig;

  constructor(
    private readonly saver: PrismaCheckpointSaver,
    threadId: string,
    private readonly options: { runId?: string; from?: RunnableConfig; checkpointNs?: string } = {},
  ) {
    this.config = options.from ?? { configurable: { thread_id: threadId, checkpoint_ns: options.checkpointNs ?? "" } };
    this.continueFrom = options.from;
  }

  /** One step: `changes` are the new values, `newVersions` their versions; `writes` go on the new checkpoint. */
  async step(
    changes: Record<string, unknown>,
    newVersions: Record<string, number>,
    metadata: Record<string, unknown> = {},
    writes: [string, unknown][] = [],
  ): Promise<RunnableConfig> {
    if (this.continueFrom) {
      const tuple = await this.saver.getTuple(this.continueFrom);
      this.values = { ...tuple?.checkpoint.channel_values };
      this.versions = { ...(tuple?.checkpoint.channel_versions as Record<string, number>) };
      this.continueFrom = undefined;
    }
    this.values = { ...this.values, ...changes };
    this.versions = { ...this.versions, ...newVersions };
    const checkpoint = checkpointWith(this.values, this.versions);
    const runId = this.options.runId ? { run_id: this.options.runId } : {};
    this.config = await this.saver.put(
      { configurable: { ...this.config.configurable, ...runId } },
      checkpoint,
      meta(this.ids.length, metadata),
      newVersions,
    );
    this.ids.push(checkpoint.id);
    if (writes.length > 0) await this.saver.putWrites(this.config, writes, `task-${this.ids.length}`, "path");
    return this.config;
  }
}

function checkpointWith(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return {
    v: 4,
    id: uuid6(-1),
    ts: new Date().toISOString(),
    channel_values: structuredClone(values),
    channel_versions: { ...versions },
    versions_seen: {},
  };
}

function meta(step: number, extra: Record<string, unknown> = {}): CheckpointMetadata {
  return { source: "loop", step, parents: {}, ...extra } as CheckpointMetadata;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** Everything list() returns for a thread, all namespaces. */
function snapshot(saver: PrismaCheckpointSaver, threadId: string): Promise<CheckpointTuple[]> {
  return collect(saver.list({ configurable: { thread_id: threadId } }));
}

async function countRows(database: Database, threadId: string) {
  const [checkpoints, writes] = await Promise.all([
    database.prisma.checkpoint.count({ where: { threadId } }),
    database.prisma.checkpointWrite.count({ where: { threadId } }),
  ]);
  return { checkpoints, writes };
}

function retarget(tuple: CheckpointTuple, threadId: string): CheckpointTuple {
  const withThread = (config: RunnableConfig | undefined) => config && { configurable: { ...config.configurable, thread_id: threadId } };
  return { ...tuple, config: withThread(tuple.config)!, parentConfig: withThread(tuple.parentConfig) };
}
