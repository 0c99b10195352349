// LangGraph checkpointer on our Prisma database (tables `checkpoint` and `checkpoint_write`).
//
// Storage layout, and why:
// - Like the official PostgreSQL saver, a checkpoint row stores only the channel values
//   that changed at that step (the channels listed in `newVersions`). The official
//   validation suite checks exactly that, and it keeps long threads from rewriting their
//   whole state at every step.
// - The official saver finds unchanged values in a blob table keyed by (channel, version).
//   We have no such table, so each row also records, for every value it carries over,
//   the id of the ancestor checkpoint whose row stores it ("carried" below). Reading a
//   checkpoint is then the row plus one query for all its carried values, never a walk
//   through the history.
// - Pending writes come back in `writesSortKey` order (task path, task id, index), the
//   order live execution applies them in, as the BaseCheckpointSaver contract requires.
import { isDeepStrictEqual } from "node:util";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  copyCheckpoint,
  getCheckpointId,
  maxChannelVersion,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { providerOf, type PrismaDb } from "../client.ts";
import type { Provider } from "../config.ts";
import { insertRows, insertSteps, type Executor, type OnConflict } from "../repositories/raw-insert.ts";
import { directRows } from "../repositories/direct-rows.ts";
import { WritesInFlight } from "./writes-in-flight.ts";
import { fenced, fencedInsert, type Lease } from "../repositories/leases.ts";
import type { Prisma, Checkpoint as CheckpointRow, CheckpointWrite as WriteRow } from "../generated/sqlite/client.ts";

/** What the `checkpoint` column holds (serialized with the saver's serde). */
interface StoredCheckpoint {
  /** the checkpoint, its `channel_values` cut down to the values stored in this row */
  checkpoint: Checkpoint;
  /** channel -> id of the checkpoint (same thread and namespace) whose row stores its value */
  carried: Record<string, string>;
}

/** Identifies a checkpoint row. */
interface CheckpointKey {
  threadId: string;
  checkpointNs: string;
  checkpointId: string;
}

/** A row read for `list`/`getTuple`, its metadata already decoded (filters need it first). */
interface LoadedRow {
  row: CheckpointRow;
  metadata: CheckpointMetadata;
}

/** Rows fetched per query by `list`, which filters on metadata it can only decode in JS. */
const LIST_PAGE_SIZE = 100;
/** Ids per `IN (...)` list, well under SQLite's and PostgreSQL's bound-parameter limits. */
const MAX_IDS_PER_QUERY = 500;
/** Copying or rolling back a long thread can take longer than Prisma's 5 s default. */
const LONG_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

const CHECKPOINT_COLUMNS = [
  "threadId",
  "checkpointNs",
  "checkpointId",
  "parentCheckpointId",
  "runId",
  "type",
  "checkpoint",
  "metadata",
  "createdAt",
] as const;
/** a checkpoint saved again (a retried step) replaces what it held; its creation time stays */
const CHECKPOINT_UPSERT: OnConflict = {
  key: ["threadId", "checkpointNs", "checkpointId"],
  update: ["parentCheckpointId", "runId", "type", "checkpoint", "metadata"],
};
const WRITE_COLUMNS = [
  "threadId",
  "checkpointNs",
  "checkpointId",
  "taskId",
  "idx",
  "channel",
  "type",
  "value",
  "taskPath",
  "runId",
] as const;
const WRITE_KEY = ["threadId", "checkpointNs", "checkpointId", "taskId", "idx"];
const SPECIAL_WRITE_REPLACES: OnConflict = { key: WRITE_KEY, update: ["channel", "type", "value", "taskPath", "runId"] };
const REGULAR_WRITE_KEPT: OnConflict = { key: WRITE_KEY, ignore: true };

export class PrismaCheckpointSaver extends BaseCheckpointSaver {
  private readonly provider: Provider;

  /** set on one run's saver once the run has ended: its writes are refused from then on */
  private closed = false;

  /**
   * `lease`: the saver of one run executed by a fleet worker, whose writes are
   * fenced by its lease (see `forRun`); absent, writes are not fenced.
   */
  constructor(
    private readonly prisma: PrismaDb,
    serde?: SerializerProtocol,
    private readonly lease?: Lease,
    /** shared with the copies made for runs: a rollback waits for every copy's writes */
    private readonly writes = new WritesInFlight(),
  ) {
    super(serde);
    this.provider = providerOf(prisma);
  }

  /**
   * The same saver for one run, to be closed when the run ends (`close`). A fleet
   * worker's run passes its `lease`: every checkpoint and write is then made in a
   * transaction that first checks it (LeaseLostError when a sweep gave the run to
   * another worker), so a worker that lost its run cannot change the thread under
   * the worker that resumed it.
   */
  forRun(lease?: Lease): PrismaCheckpointSaver {
    return new PrismaCheckpointSaver(this.prisma, this.serde, lease, this.writes);
  }

  /**
   * Refuses this run's writes from now on and resolves once those under way have
   * settled. An aborted graph does not wait for its background saves, and may even
   * start one after the abort (a failed task's error write): closing makes the set of
   * writes final, so a rollback or the thread's settled state reads after all of them.
   */
  async close(threadId: string): Promise<void> {
    this.closed = true;
    await this.writes.settled(threadId);
  }

  /**
   * Counts a write as under way from its call (serializing it takes a moment). Once
   * the run has ended the write is skipped: nothing reads the graph's result any more,
   * and a rejection there would go unhandled.
   */
  private tracked(threadId: string, write: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.writes.track(threadId, write());
  }

  // -------------------------------------------------------------------------
  // Reading

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined) return undefined;
    const checkpointNs = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const checkpointId = getCheckpointId(config);
    const row = checkpointId
      ? (await this.checkpointRows({ threadId, checkpointNs, checkpointId: { in: [checkpointId] } }))[0]
      : await this.latestRow(threadId, checkpointNs);
    if (!row) return undefined;
    const [tuple] = await this.toTuples([{ row, metadata: await this.loadMetadata(row.metadata) }]);
    return tuple;
  }

  /**
   * Checkpoints newest first (checkpoint ids are uuid6, so they sort by time). Filters on
   * `thread_id`, `checkpoint_ns` and `checkpoint_id` from the config when present, on
   * `before` (ids strictly lower), and on `filter`: every key must deep-equal the
   * metadata's value. Metadata is stored serialized, so `filter` is applied here, page
   * by page, and `limit` counts matching checkpoints only.
   */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const where = listWhere(config, before);
    const pageSize = filter ? LIST_PAGE_SIZE : Math.min(LIST_PAGE_SIZE, remaining);
    let last: CheckpointRow | undefined;
    while (remaining > 0) {
      const rows = await this.prisma.checkpoint.findMany({
        where: last ? { AND: [where, rowsAfter(last)] } : where,
        orderBy: [{ checkpointId: "desc" }, { threadId: "desc" }, { checkpointNs: "desc" }],
        take: pageSize,
      });
      last = rows.at(-1);
      const loaded = await Promise.all(rows.map(async (row) => ({ row, metadata: await this.loadMetadata(row.metadata) })));
      const matching = loaded.filter(({ metadata }) => matchesMetadata(metadata, filter)).slice(0, remaining);
      for (const tuple of await this.toTuples(matching)) {
        remaining -= 1;
        yield tuple;
      }
      if (rows.length < pageSize) return;
    }
  }

  // -------------------------------------------------------------------------
  // Writing

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireThreadId(config, "put checkpoint");
    const checkpointNs = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    await this.tracked(threadId, () => this.saveCheckpoint({ threadId, checkpointNs }, config, checkpoint, metadata, newVersions));
    return { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpoint.id } };
  }

  private async saveCheckpoint(
    { threadId, checkpointNs }: { threadId: string; checkpointNs: string },
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<void> {
    // the config passed to put is the parent's: LangGraph saves each checkpoint under its predecessor
    const parentCheckpointId = (config.configurable?.checkpoint_id as string | undefined) || null;
    const stored = await this.toStored(
      { threadId, checkpointNs, checkpointId: checkpoint.id },
      parentCheckpointId,
      copyCheckpoint(checkpoint),
      newVersions,
    );
    const [[type, checkpointBytes], [, metadataBytes]] = await Promise.all([
      this.serde.dumpsTyped(stored),
      this.serde.dumpsTyped(metadata),
    ]);
    const data = {
      parentCheckpointId,
      runId: runIdOf(config, metadata),
      type,
      checkpoint: bytes(checkpointBytes),
      metadata: bytes(metadataBytes),
    };
    const row = [
      threadId,
      checkpointNs,
      checkpoint.id,
      data.parentCheckpointId,
      data.runId,
      data.type,
      data.checkpoint,
      data.metadata,
      new Date(),
    ];
    if (this.lease) await fencedInsert(this.prisma, this.provider, this.lease, "checkpoint", CHECKPOINT_COLUMNS, [row], CHECKPOINT_UPSERT);
    else await insertRows(this.prisma, this.provider, "checkpoint", CHECKPOINT_COLUMNS, [row], CHECKPOINT_UPSERT);
  }

  /**
   * Stores a task's writes against a checkpoint, as the reference savers do: writes to
   * the special channels of WRITES_IDX_MAP (error, interrupt, resume, scheduled) take
   * their fixed negative index and replace what was there; regular writes are keyed by
   * their position and never replace an existing write (a retried task re-sends them).
   */
  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ""): Promise<void> {
    const threadId = requireThreadId(config, "put writes");
    return this.tracked(threadId, () => this.saveTaskWrites(threadId, config, writes, taskId, taskPath));
  }

  private async saveTaskWrites(
    threadId: string,
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath: string,
  ): Promise<void> {
    const checkpointNs = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (!checkpointId) {
      throw new Error(`Failed to put writes: the config has no "checkpoint_id" in its "configurable".`);
    }
    const runId = runIdOf(config, {} as CheckpointMetadata);
    const rows = await Promise.all(
      writes.map(async ([channel, value], position) => {
        const [type, serialized] = await this.serde.dumpsTyped(value);
        const idx = WRITES_IDX_MAP[channel] ?? position;
        return {
          key: { threadId, checkpointNs, checkpointId, taskId, idx },
          data: { channel, type, value: bytes(serialized), taskPath, runId },
        };
      }),
    );
    if (rows.length === 0) return;
    const values = ({ key, data }: (typeof rows)[number]) => [
      key.threadId,
      key.checkpointNs,
      key.checkpointId,
      key.taskId,
      key.idx,
      data.channel,
      data.type,
      data.value,
      data.taskPath,
      data.runId,
    ];
    const special = rows.filter((r) => r.key.idx < 0).map(values);
    const regular = rows.filter((r) => r.key.idx >= 0).map(values);
    if (special.length === 0 || regular.length === 0) {
      // one kind of write: its statement (one per 500 rows) needs no transaction
      const [kind, onConflict] = special.length > 0 ? [special, SPECIAL_WRITE_REPLACES] : [regular, REGULAR_WRITE_KEPT];
      if (this.lease) await fencedInsert(this.prisma, this.provider, this.lease, "checkpoint_write", WRITE_COLUMNS, kind, onConflict);
      else await insertRows(this.prisma, this.provider, "checkpoint_write", WRITE_COLUMNS, kind, onConflict);
      return;
    }
    // a mix of both kinds is written all or nothing: in a transaction, of direct statements once connected
    const write = async (db: Executor) => {
      await insertRows(db, this.provider, "checkpoint_write", WRITE_COLUMNS, special, SPECIAL_WRITE_REPLACES);
      await insertRows(db, this.provider, "checkpoint_write", WRITE_COLUMNS, regular, REGULAR_WRITE_KEPT);
    };
    const provider = this.provider;
    const steps = function* () {
      yield* insertSteps(provider, "checkpoint_write", WRITE_COLUMNS, special, SPECIAL_WRITE_REPLACES);
      yield* insertSteps(provider, "checkpoint_write", WRITE_COLUMNS, regular, REGULAR_WRITE_KEPT);
    };
    const direct = directRows(this.prisma);
    if (this.lease) await fenced(this.prisma, this.lease, write, steps);
    else if (direct) await direct.transaction(steps());
    else await this.prisma.$transaction((tx) => write(tx));
  }

  /**
   * Resolves once the checkpoint and task writes under way on the thread have settled.
   * LangGraph saves checkpoints in the background, and an aborted run does not wait for
   * them: whoever reads or rolls back the thread after such a run waits here first.
   */
  writesSettled(threadId: string): Promise<void> {
    return this.writes.settled(threadId);
  }

  /** The id of the thread's latest checkpoint (root namespace), null before its first. */
  async latestCheckpointId(threadId: string): Promise<string | null> {
    const direct = directRows(this.prisma);
    if (direct) {
      const sql = `SELECT "checkpointId" FROM "checkpoint" WHERE "threadId" = ? AND "checkpointNs" = '' ORDER BY "checkpointId" DESC LIMIT 1`;
      const [latest] = await direct.all<{ checkpointId: string }>("Checkpoint", sql, [threadId]);
      return latest?.checkpointId ?? null;
    }
    const row = await this.prisma.checkpoint.findFirst({
      where: { threadId, checkpointNs: "" },
      orderBy: { checkpointId: "desc" },
      select: { checkpointId: true },
    });
    return row?.checkpointId ?? null;
  }

  /** Whether the run has saved a checkpoint of the thread (root namespace): a resumed attempt continues from there. */
  async hasRunCheckpoints(threadId: string, runId: string): Promise<boolean> {
    const direct = directRows(this.prisma);
    if (direct) {
      // asked before each fleet run starts
      const sql = `SELECT "checkpointId" FROM "checkpoint" WHERE "threadId" = ? AND "checkpointNs" = '' AND "runId" = ? LIMIT 1`;
      return (await direct.all("Checkpoint", sql, [threadId, runId])).length > 0;
    }
    return (await this.prisma.checkpoint.count({ where: { threadId, checkpointNs: "", runId }, take: 1 })) > 0;
  }

  /** The last checkpoint (root namespace) the run wrote on the thread: the state it left. */
  async lastRunCheckpoint(threadId: string, runId: string): Promise<CheckpointTuple | undefined> {
    const row = await this.prisma.checkpoint.findFirst({ where: { threadId, checkpointNs: "", runId }, orderBy: { checkpointId: "desc" } });
    if (!row) return undefined;
    const [tuple] = await this.toTuples([{ row, metadata: await this.loadMetadata(row.metadata) }]);
    return tuple;
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.checkpointWrite.deleteMany({ where: { threadId } }),
      this.prisma.checkpoint.deleteMany({ where: { threadId } }),
    ]);
  }

  // -------------------------------------------------------------------------
  // For the server: rollback and thread copies

  /**
   * Removes every checkpoint `runId` wrote on the thread (all namespaces) and their
   * writes; returns how many checkpoints went. The thread is left as it was before the
   * run started.
   *
   * Refuses (throws) when a checkpoint not written by the run descends from one of
   * them: removing the run would cut that later history off its parents (and off the
   * values it carries over from them). Rollback only ever targets a thread's latest run.
   *
   * Writes the run added to checkpoints of earlier runs (a resume value, or tasks
   * finishing an interrupted step) go too: each write records its run.
   */
  async deleteRunCheckpoints(threadId: string, runId: string): Promise<number> {
    await this.writesSettled(threadId);
    return this.prisma.$transaction(async (tx) => {
      const doomed = await tx.checkpoint.findMany({
        where: { threadId, runId },
        select: { threadId: true, checkpointNs: true, checkpointId: true },
      });
      if (doomed.length === 0) {
        await tx.checkpointWrite.deleteMany({ where: { threadId, runId } });
        return 0;
      }
      const doomedKeys = new Set(doomed.map(keyOf));
      const groups = inGroups(doomed);
      for (const { checkpointId } of groups) {
        const children = await tx.checkpoint.findMany({
          where: { threadId, parentCheckpointId: checkpointId, OR: [{ runId: null }, { runId: { not: runId } }] },
          select: { checkpointNs: true, checkpointId: true, parentCheckpointId: true },
        });
        const orphan = children.find((child) =>
          doomedKeys.has(keyOf({ threadId, checkpointNs: child.checkpointNs, checkpointId: child.parentCheckpointId! })),
        );
        if (orphan) {
          throw new Error(
            `Cannot delete the checkpoints of run ${runId} on thread ${threadId}: checkpoint ${orphan.checkpointId} was written after them by another run or update and descends from them.`,
          );
        }
      }
      for (const where of groups) await tx.checkpointWrite.deleteMany({ where });
      await tx.checkpointWrite.deleteMany({ where: { threadId, runId } });
      const { count } = await tx.checkpoint.deleteMany({ where: { threadId, runId } });
      return count;
    }, LONG_TRANSACTION);
  }

  /**
   * Merges `patch` into the metadata of one checkpoint (root namespace), or of the
   * thread's latest when `checkpointId` is absent, without making a new checkpoint
   * (LangGraph's patchState). Returns the checkpoint patched; undefined when there is none.
   */
  async patchMetadata(threadId: string, patch: Record<string, unknown>, checkpointId?: string): Promise<string | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const row = checkpointId
        ? await tx.checkpoint.findUnique({ where: { threadId_checkpointNs_checkpointId: { threadId, checkpointNs: "", checkpointId } } })
        : await tx.checkpoint.findFirst({ where: { threadId, checkpointNs: "" }, orderBy: { checkpointId: "desc" } });
      if (!row) return undefined;
      const metadata = { ...((await this.loadMetadata(row.metadata)) as Record<string, unknown>), ...patch };
      const [, serialized] = await this.serde.dumpsTyped(metadata);
      await tx.checkpoint.update({
        where: { threadId_checkpointNs_checkpointId: { threadId, checkpointNs: "", checkpointId: row.checkpointId } },
        data: { metadata: bytes(serialized) },
      });
      return row.checkpointId;
    });
  }

  /**
   * Keeps only the latest checkpoint of each namespace of the thread, with its pending
   * writes (an interrupt and its resume need them), and removes every older checkpoint
   * and write (LangGraph's prune `keep_latest`). The kept checkpoint is rewritten to
   * hold all its values itself, since the rows it carried values from go, and loses its
   * parent. Returns how many checkpoints were removed.
   */
  async pruneToLatest(threadId: string): Promise<number> {
    const namespaces = await this.prisma.checkpoint.groupBy({ by: ["checkpointNs"], where: { threadId }, _max: { checkpointId: true } });
    const kept: { key: CheckpointKey; type: string; checkpoint: Uint8Array<ArrayBuffer> }[] = [];
    // read first (carried values come from rows about to go), then write in one transaction
    for (const { checkpointNs, _max } of namespaces) {
      const key = { threadId, checkpointNs, checkpointId: _max.checkpointId! };
      const row = await this.prisma.checkpoint.findUnique({ where: { threadId_checkpointNs_checkpointId: key } });
      if (!row) continue;
      const stored = await this.decodeStored(row);
      const [carried] = await this.loadCarriedValues([row], [stored]);
      const whole: StoredCheckpoint = {
        checkpoint: { ...stored.checkpoint, channel_values: { ...carried, ...stored.checkpoint.channel_values } },
        carried: {},
      };
      const [type, serialized] = await this.serde.dumpsTyped(whole);
      kept.push({ key, type, checkpoint: bytes(serialized) });
    }
    return this.prisma.$transaction(async (tx) => {
      let removed = 0;
      for (const { key, type, checkpoint } of kept) {
        const { threadId: thread, checkpointNs, checkpointId } = key;
        await tx.checkpoint.update({
          where: { threadId_checkpointNs_checkpointId: key },
          data: { type, checkpoint, parentCheckpointId: null },
        });
        // only what is older: a checkpoint written since the read above stays, with its writes
        const older = { threadId: thread, checkpointNs, checkpointId: { lt: checkpointId } };
        await tx.checkpointWrite.deleteMany({ where: older });
        removed += (await tx.checkpoint.deleteMany({ where: older })).count;
      }
      return removed;
    }, LONG_TRANSACTION);
  }

  /**
   * Copies all checkpoints (every namespace) and writes of a thread to another thread,
   * which must have none yet. Ids, parents and run ids are kept, so the copy has the
   * same history; a `thread_id` in checkpoint metadata is changed to the new thread.
   */
  async copyThread(fromThreadId: string, toThreadId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if ((await tx.checkpoint.count({ where: { threadId: toThreadId } })) > 0) {
        throw new Error(`Cannot copy thread ${fromThreadId} to ${toThreadId}: the target already has checkpoints.`);
      }
      const checkpoints = await tx.checkpoint.findMany({ where: { threadId: fromThreadId } });
      const copies = await Promise.all(
        checkpoints.map(async (row) => ({
          ...row,
          threadId: toThreadId,
          metadata: await this.retargetMetadata(row.metadata, toThreadId),
        })),
      );
      for (const batch of chunks(copies, MAX_IDS_PER_QUERY)) await tx.checkpoint.createMany({ data: batch });
      const writes = await tx.checkpointWrite.findMany({ where: { threadId: fromThreadId } });
      for (const batch of chunks(writes, MAX_IDS_PER_QUERY)) {
        await tx.checkpointWrite.createMany({ data: batch.map((write) => ({ ...write, threadId: toThreadId })) });
      }
    }, LONG_TRANSACTION);
  }

  // -------------------------------------------------------------------------
  // Storing a checkpoint: which values this row keeps, which it points to

  /**
   * Splits the checkpoint's values: those in `newVersions` are stored in this row; an
   * unchanged one is carried over from the parent when the parent has it at the same
   * version. Without a parent, an unchanged value has nowhere to come from and is not
   * stored, as in the official PostgreSQL saver (and its validation test). With a parent
   * that lacks it (LangGraph never does this), it is stored here rather than lost.
   */
  private async toStored(
    key: CheckpointKey,
    parentCheckpointId: string | null,
    checkpoint: Checkpoint,
    newVersions: ChannelVersions,
  ): Promise<StoredCheckpoint> {
    const values = checkpoint.channel_values as Record<string, unknown>;
    const own: Record<string, unknown> = {};
    const unchanged: string[] = [];
    for (const [channel, value] of Object.entries(values)) {
      if (channel in newVersions) own[channel] = value;
      else unchanged.push(channel);
    }
    const carried: Record<string, string> = {};
    const parent =
      unchanged.length > 0 && parentCheckpointId ? await this.loadStored({ ...key, checkpointId: parentCheckpointId }) : undefined;
    if (parent && parentCheckpointId) {
      for (const channel of unchanged) {
        const source = sourceInParent(parent, parentCheckpointId, channel, checkpoint.channel_versions[channel]);
        if (source) carried[channel] = source;
        else own[channel] = values[channel];
      }
    }
    return { checkpoint: { ...checkpoint, channel_values: own }, carried };
  }

  private async loadStored(key: CheckpointKey): Promise<StoredCheckpoint | undefined> {
    const direct = directRows(this.prisma);
    if (direct) {
      // read for every checkpoint a run saves (its parent's channel values): the direct read is a tenth of Prisma's
      const [row] = await direct.select<Pick<CheckpointRow, "type" | "checkpoint">>("Checkpoint", "checkpoint", { ...key });
      return row ? this.decodeStored(row) : undefined;
    }
    const row = await this.prisma.checkpoint.findUnique({
      where: { threadId_checkpointNs_checkpointId: key },
      select: { type: true, checkpoint: true },
    });
    return row ? this.decodeStored(row) : undefined;
  }

  private async decodeStored(row: Pick<CheckpointRow, "type" | "checkpoint">): Promise<StoredCheckpoint> {
    return (await this.serde.loadsTyped(row.type ?? "json", row.checkpoint)) as StoredCheckpoint;
  }

  /** Metadata is always a plain object, so it is stored as "json" (as the reference savers do). */
  private async loadMetadata(bytes: Uint8Array): Promise<CheckpointMetadata> {
    return (await this.serde.loadsTyped("json", bytes)) as CheckpointMetadata;
  }

  private async retargetMetadata(stored: Uint8Array<ArrayBuffer>, threadId: string): Promise<Uint8Array<ArrayBuffer>> {
    const metadata = (await this.loadMetadata(stored)) as Record<string, unknown>;
    if (!Object.hasOwn(metadata, "thread_id")) return stored;
    const [, retargeted] = await this.serde.dumpsTyped({ ...metadata, thread_id: threadId });
    return bytes(retargeted);
  }

  // -------------------------------------------------------------------------
  // Building tuples: a handful of queries per batch of rows, whatever its size

  private async toTuples(loaded: LoadedRow[]): Promise<CheckpointTuple[]> {
    if (loaded.length === 0) return [];
    const rows = loaded.map(({ row }) => row);
    const [stored, pendingWrites] = await Promise.all([Promise.all(rows.map((row) => this.decodeStored(row))), this.loadWrites(rows)]);
    const carriedValues = await this.loadCarriedValues(rows, stored);
    const parentSends = await this.loadParentSends(rows, stored);
    return loaded.map(({ row, metadata }, i) => {
      const checkpoint = stored[i]!.checkpoint;
      checkpoint.channel_values = { ...carriedValues[i], ...checkpoint.channel_values };
      const sends = parentSends.get(keyOf(row));
      if (sends) this.migratePendingSends(checkpoint, sends);
      const tuple: CheckpointTuple = {
        config: configOf(row),
        checkpoint,
        metadata,
        pendingWrites: pendingWrites.get(keyOf(row)) ?? [],
      };
      if (row.parentCheckpointId) {
        tuple.parentConfig = configOf({ ...row, checkpointId: row.parentCheckpointId });
      }
      return tuple;
    });
  }

  /**
   * The values each row carries over from ancestors. Each row decodes its own copy, so
   * tuples never share mutable objects, but every ancestor row is fetched once.
   */
  private async loadCarriedValues(rows: CheckpointRow[], stored: StoredCheckpoint[]): Promise<Record<string, unknown>[]> {
    const available = new Map(rows.map((row) => [keyOf(row), row]));
    const missing = new Map<string, CheckpointKey>();
    rows.forEach((row, i) => {
      for (const checkpointId of new Set(Object.values(stored[i]!.carried ?? {}))) {
        const key = { threadId: row.threadId, checkpointNs: row.checkpointNs, checkpointId };
        if (!available.has(keyOf(key))) missing.set(keyOf(key), key);
      }
    });
    for (const where of inGroups([...missing.values()])) {
      for (const row of await this.checkpointRows(where)) available.set(keyOf(row), row);
    }
    return Promise.all(
      rows.map(async (row, i) => {
        const values: Record<string, unknown> = {};
        const bySource = groupChannelsBySource(stored[i]!.carried ?? {});
        for (const [checkpointId, channels] of bySource) {
          const source = available.get(keyOf({ ...row, checkpointId }));
          if (!source) continue; // its ancestor is gone (not something this saver does): the value is absent
          const sourceValues = (await this.decodeStored(source)).checkpoint.channel_values as Record<string, unknown>;
          for (const channel of channels) {
            if (Object.hasOwn(sourceValues, channel)) values[channel] = sourceValues[channel];
          }
        }
        return values;
      }),
    );
  }

  /** Pending writes of each row, by row key, in `writesSortKey` order. */
  private async loadWrites(keys: CheckpointKey[]): Promise<Map<string, CheckpointPendingWrite[]>> {
    const rows: WriteRow[] = [];
    for (const where of inGroups(keys)) rows.push(...(await this.writeRows(where)));
    return this.groupWrites(rows);
  }

  private async groupWrites(rows: WriteRow[]): Promise<Map<string, CheckpointPendingWrite[]>> {
    const sorted = [...rows].sort((a, b) =>
      compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)),
    );
    const byCheckpoint = new Map<string, CheckpointPendingWrite[]>();
    for (const row of sorted) {
      const value = await this.serde.loadsTyped(row.type ?? "json", row.value);
      const list = byCheckpoint.get(keyOf(row)) ?? [];
      list.push([row.taskId, row.channel, value]);
      byCheckpoint.set(keyOf(row), list);
    }
    return byCheckpoint;
  }

  /**
   * Checkpoints before format v4 kept pending sends as TASKS writes on their parent; the
   * reference savers move them into the child's TASKS channel when loading it. Returns,
   * by child key, the send values of each such row that has a parent.
   */
  private async loadParentSends(rows: CheckpointRow[], stored: StoredCheckpoint[]): Promise<Map<string, unknown[]>> {
    const children = rows.filter((row, i) => stored[i]!.checkpoint.v < 4 && row.parentCheckpointId);
    const sends = new Map<string, unknown[]>();
    if (children.length === 0) return sends;
    const parents = children.map((row) => ({ ...row, checkpointId: row.parentCheckpointId! }));
    const writes: WriteRow[] = [];
    for (const where of inGroups(parents)) {
      writes.push(...(await this.writeRows({ ...where, channel: TASKS })));
    }
    const byParent = await this.groupWrites(writes);
    for (const [child, parent] of children.map((row, i) => [row, parents[i]!] as const)) {
      sends.set(
        keyOf(child),
        (byParent.get(keyOf(parent)) ?? []).map(([, , value]) => value),
      );
    }
    return sends;
  }

  // Every read of checkpoints and writes by key goes through these three: on SQLite they
  // are single statements on the connection (see direct-rows.ts), elsewhere Prisma's.

  private async latestRow(threadId: string, checkpointNs: string): Promise<CheckpointRow | undefined> {
    const direct = directRows(this.prisma);
    if (!direct) {
      const row = await this.prisma.checkpoint.findFirst({ where: { threadId, checkpointNs }, orderBy: { checkpointId: "desc" } });
      return row ?? undefined;
    }
    const sql = `SELECT * FROM "checkpoint" WHERE "threadId" = ? AND "checkpointNs" = ? ORDER BY "checkpointId" DESC LIMIT 1`;
    return (await direct.all<CheckpointRow>("Checkpoint", sql, [threadId, checkpointNs]))[0];
  }

  private checkpointRows(where: RowsWhere): Promise<CheckpointRow[]> {
    const direct = directRows(this.prisma);
    if (!direct) return this.prisma.checkpoint.findMany({ where });
    return direct.all<CheckpointRow>("Checkpoint", `SELECT * FROM "checkpoint" WHERE ${rowsCondition(where)}`, rowsParams(where));
  }

  private writeRows(where: RowsWhere & { channel?: string }): Promise<WriteRow[]> {
    const direct = directRows(this.prisma);
    if (!direct) return this.prisma.checkpointWrite.findMany({ where });
    const channel = where.channel === undefined ? "" : ` AND "channel" = ?`;
    const params = where.channel === undefined ? rowsParams(where) : [...rowsParams(where), where.channel];
    return direct.all<WriteRow>("CheckpointWrite", `SELECT * FROM "checkpoint_write" WHERE ${rowsCondition(where)}${channel}`, params);
  }

  private migratePendingSends(checkpoint: Checkpoint, sends: unknown[]): void {
    const values = checkpoint.channel_values as Record<string, unknown>;
    const versions = checkpoint.channel_versions as ChannelVersions;
    values[TASKS] = sends;
    versions[TASKS] = Object.keys(versions).length > 0 ? maxChannelVersion(...Object.values(versions)) : this.getNextVersion(undefined);
  }
}

// ---------------------------------------------------------------------------
// Helpers

function requireThreadId(config: RunnableConfig, action: string): string {
  const threadId = config.configurable?.thread_id as string | undefined;
  if (threadId === undefined || threadId === null) {
    throw new Error(
      `Failed to ${action}: the config has no "thread_id" in its "configurable". Pass one so the checkpointer knows which thread to persist, e.g. { configurable: { thread_id: "my-thread" } }.`,
    );
  }
  return String(threadId);
}

/** The run that wrote a checkpoint: rollback deletes by it. */
function runIdOf(config: RunnableConfig, metadata: CheckpointMetadata): string | null {
  const fromMetadata = (metadata as Record<string, unknown>).run_id;
  if (typeof fromMetadata === "string" && fromMetadata) return fromMetadata;
  const fromConfig = config.configurable?.run_id;
  return typeof fromConfig === "string" && fromConfig ? fromConfig : null;
}

/**
 * Where a channel's unchanged value lives, seen from the parent: the parent's own row,
 * or the row the parent itself carries it from. Only when the version is the same, so a
 * value is never taken from another version of the channel.
 */
function sourceInParent(
  parent: StoredCheckpoint,
  parentCheckpointId: string,
  channel: string,
  version: ChannelVersions[string] | undefined,
): string | undefined {
  if (version === undefined || parent.checkpoint.channel_versions[channel] !== version) return undefined;
  if (Object.hasOwn(parent.checkpoint.channel_values, channel)) return parentCheckpointId;
  return parent.carried?.[channel];
}

function groupChannelsBySource(carried: Record<string, string>): Map<string, string[]> {
  const bySource = new Map<string, string[]>();
  for (const [channel, checkpointId] of Object.entries(carried)) {
    bySource.set(checkpointId, [...(bySource.get(checkpointId) ?? []), channel]);
  }
  return bySource;
}

function listWhere(config: RunnableConfig, before: RunnableConfig | undefined): Prisma.CheckpointWhereInput {
  const conditions: Prisma.CheckpointWhereInput[] = [];
  const { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpointId } = config.configurable ?? {};
  if (threadId !== undefined) conditions.push({ threadId: String(threadId) });
  if (checkpointNs !== undefined) conditions.push({ checkpointNs: String(checkpointNs) });
  if (checkpointId) conditions.push({ checkpointId: String(checkpointId) });
  const beforeId = before?.configurable?.checkpoint_id;
  if (beforeId) conditions.push({ checkpointId: { lt: String(beforeId) } });
  return { AND: conditions };
}

/** Rows after `last` in list order (checkpointId, threadId, checkpointNs, all descending). */
function rowsAfter(last: CheckpointRow): Prisma.CheckpointWhereInput {
  const { checkpointId, threadId, checkpointNs } = last;
  return {
    OR: [
      { checkpointId: { lt: checkpointId } },
      { checkpointId, threadId: { lt: threadId } },
      { checkpointId, threadId, checkpointNs: { lt: checkpointNs } },
    ],
  };
}

function matchesMetadata(metadata: CheckpointMetadata, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  const record = metadata as Record<string, unknown>;
  return Object.entries(filter).every(([key, value]) => isDeepStrictEqual(record[key], value));
}

function configOf(key: CheckpointKey): RunnableConfig {
  return {
    configurable: { thread_id: key.threadId, checkpoint_ns: key.checkpointNs, checkpoint_id: key.checkpointId },
  };
}

function keyOf(key: CheckpointKey): string {
  return JSON.stringify([key.threadId, key.checkpointNs, key.checkpointId]);
}

/**
 * `where` clauses covering the given checkpoints: one per thread and namespace (and per
 * slice of ids), each `{ threadId, checkpointNs, checkpointId: { in } }`. Works for both
 * tables, whose key columns share names.
 */
/** Rows of one thread and namespace by their checkpoint ids: what `inGroups` makes. */
interface RowsWhere {
  threadId: string;
  checkpointNs: string;
  checkpointId: { in: string[] };
}

function rowsCondition(where: RowsWhere): string {
  return `"threadId" = ? AND "checkpointNs" = ? AND "checkpointId" IN (${where.checkpointId.in.map(() => "?").join(",")})`;
}

function rowsParams(where: RowsWhere): unknown[] {
  return [where.threadId, where.checkpointNs, ...where.checkpointId.in];
}

function inGroups(keys: CheckpointKey[]): RowsWhere[] {
  const groups = new Map<string, { threadId: string; checkpointNs: string; ids: Set<string> }>();
  for (const { threadId, checkpointNs, checkpointId } of keys) {
    const groupKey = JSON.stringify([threadId, checkpointNs]);
    const group = groups.get(groupKey) ?? { threadId, checkpointNs, ids: new Set<string>() };
    group.ids.add(checkpointId);
    groups.set(groupKey, group);
  }
  return [...groups.values()].flatMap(({ threadId, checkpointNs, ids }) =>
    chunks([...ids], MAX_IDS_PER_QUERY).map((slice) => ({ threadId, checkpointNs, checkpointId: { in: slice } })),
  );
}

/** Prisma's Bytes input wants an ArrayBuffer-backed Uint8Array; a serde may return any view. */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
