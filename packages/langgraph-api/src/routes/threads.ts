import { isDeepStrictEqual } from "node:util";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { asObject, type Scope, type Thread } from "@lgrs/db";
import type { ThreadStateView } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { fromRuntimeError, HttpError, invalid } from "../http-errors.ts";
import { flag, jsonObject } from "../schemas.ts";
import { body, query, uuidParam, uuidString } from "../validate.ts";
import { scanPages, sortRows } from "../scan.ts";
import { threadToWire } from "../wire.ts";
import { selectFields } from "../wire-extra.ts";

type C = Context<ShimEnv>;

/**
 * At most this many of the caller's threads are read for one search or count that
 * the database cannot answer alone (a `values` filter, a sort other than newest
 * first, a count): the newest ones matching the metadata and status filters.
 */
export const THREAD_SCAN_LIMIT = 10_000;

const threadStatus = z.enum(["idle", "busy", "interrupted", "error"]);

/**
 * A thread's time to live: accepted as LangGraph takes it, but not applied (threads
 * stay until deleted; this server has no TTL sweeper).
 */
const ttl = z.union([
  z.number().positive(),
  z.object({ ttl: z.number().positive(), strategy: z.enum(["delete", "keep_latest"]).optional() }).strict(),
]);

const THREAD_FIELDS = [
  "thread_id",
  "created_at",
  "updated_at",
  "state_updated_at",
  "metadata",
  "config",
  "context",
  "status",
  "values",
  "interrupts",
] as const;

const STATE_FIELDS = ["values", "next", "tasks", "checkpoint", "metadata", "created_at", "parent_checkpoint", "interrupts"] as const;
const stateField = z.union([z.enum(STATE_FIELDS), z.string().regex(/^values\..+$/, "expected a state field or values.<key>")]);

/** A checkpoint as the SDK sends it (the `checkpoint` of a previous state). */
const checkpointRef = z
  .object({
    thread_id: z.string().nullish(),
    checkpoint_ns: z.string().nullish(),
    checkpoint_id: z.string().min(1).nullish(),
    checkpoint_map: jsonObject.nullish(),
  })
  .strict();
type CheckpointRefBody = z.output<typeof checkpointRef>;

/** `before` of a history request: a checkpoint id, a checkpoint, or a config naming one. */
const beforeRef = z.union([
  z.string().min(1),
  checkpointRef,
  z
    .object({ configurable: z.object({ checkpoint_id: z.string().min(1).nullish(), checkpoint_ns: z.string().nullish() }).passthrough() })
    .passthrough(),
]);

const createBody = z
  .object({
    thread_id: uuidString.nullish(),
    metadata: jsonObject.nullish(),
    if_exists: z.enum(["raise", "do_nothing"]).nullish(),
    /** not supported: create the thread, run it or POST /threads/{id}/state */
    supersteps: z.array(z.unknown()).nullish(),
    ttl: ttl.nullish(),
  })
  .strict();

const patchBody = z.object({ metadata: jsonObject.nullish(), ttl: ttl.nullish() }).strict();

const filters = {
  metadata: jsonObject.nullish(),
  /** top-level keys of the thread's current values, each equal */
  values: jsonObject.nullish(),
  status: threadStatus.nullish(),
};

const searchBody = z
  .object({
    ...filters,
    ids: z.array(uuidString).max(1000).nullish(),
    limit: z.number().int().min(1).max(1000).default(10),
    offset: z.number().int().min(0).max(THREAD_SCAN_LIMIT).default(0),
    sort_by: z.enum(["thread_id", "status", "created_at", "updated_at", "state_updated_at"]).nullish(),
    sort_order: z.enum(["asc", "desc"]).nullish(),
    select: z.array(z.enum(THREAD_FIELDS)).nullish(),
  })
  .strict();

const countBody = z.object(filters).strict();

const stateQuery = z
  .object({
    subgraphs: flag.optional(),
    select: z.union([stateField, z.array(stateField)]).optional(),
  })
  .strict();

const stateAtCheckpointBody = z
  .object({
    checkpoint: checkpointRef,
    subgraphs: z.boolean().nullish(),
    select: z.array(stateField).nullish(),
  })
  .strict();

const updateStateBody = z
  .object({
    values: z.unknown().optional(),
    as_node: z.string().min(1).nullish(),
    checkpoint: checkpointRef.nullish(),
    checkpoint_id: z.string().min(1).nullish(),
  })
  .strict();

const historyLimit = z.number().int().min(1).max(1000);

const historyQuery = z
  .object({
    limit: z.coerce.number().pipe(historyLimit).default(10),
    before: z.string().min(1).optional(),
  })
  .strict();

const historyBody = z
  .object({
    limit: historyLimit.default(10),
    before: beforeRef.nullish(),
    metadata: jsonObject.nullish(),
    checkpoint: checkpointRef.nullish(),
    select: z.array(stateField).nullish(),
  })
  .strict();

// ---------------------------------------------------------------------------

/** The checkpoint id a checkpoint object names; only the root namespace's checkpoints can be read here. */
function rootCheckpointId(ref: CheckpointRefBody | null | undefined, field: string): string | undefined {
  if (!ref) return undefined;
  if (ref.checkpoint_ns) {
    throw invalid([{ field: `${field}.checkpoint_ns`, message: 'only checkpoints of the root graph (checkpoint_ns "") can be addressed' }]);
  }
  return ref.checkpoint_id ?? undefined;
}

function beforeId(before: z.output<typeof beforeRef> | null | undefined): string | undefined {
  if (before == null) return undefined;
  if (typeof before === "string") return before;
  if ("configurable" in before) {
    const configurable = before.configurable as { checkpoint_id?: string | null; checkpoint_ns?: string | null };
    if (configurable.checkpoint_ns) {
      throw invalid([{ field: "body.before.configurable.checkpoint_ns", message: "only checkpoints of the root graph can be addressed" }]);
    }
    return configurable.checkpoint_id ?? undefined;
  }
  return rootCheckpointId(before as CheckpointRefBody, "body.before");
}

function asList<T>(value: T | T[] | null | undefined): T[] | undefined {
  return value == null ? undefined : Array.isArray(value) ? value : [value];
}

function matchesTopLevel(actual: unknown, filter: Record<string, unknown> | null | undefined): boolean {
  if (!filter) return true;
  const fields = asObject(actual);
  return Object.entries(filter).every(([key, value]) => key in fields && isDeepStrictEqual(fields[key], value));
}

interface ThreadFilters {
  metadata?: Record<string, unknown> | null;
  values?: Record<string, unknown> | null;
  status?: Thread["status"] | null;
  ids?: string[] | null;
}

interface ThreadWindow {
  offset: number;
  limit: number;
  sortBy: string;
  sortOrder: "asc" | "desc";
}

/** The caller's threads matching the database filters (metadata, status), newest first, at most `max`. */
function scanThreads(c: C, scope: Scope, f: ThreadFilters, max: number): Promise<Thread[]> {
  const { threads } = c.var.services.runtime.repos;
  return scanPages(
    (cursor, limit) => threads.list(scope, { metadata: f.metadata ?? undefined, status: f.status ?? undefined, cursor, limit }),
    max,
  );
}

const SORT_KEYS: Record<string, (t: Thread) => string | number> = {
  thread_id: (t) => t.id,
  status: (t) => t.status,
  created_at: (t) => t.createdAt.getTime(),
  updated_at: (t) => t.updatedAt.getTime(),
  state_updated_at: (t) => t.updatedAt.getTime(),
};

function sortThreads(rows: Thread[], sortBy: string, order: "asc" | "desc"): Thread[] {
  return sortRows(rows, SORT_KEYS[sortBy]!, order);
}

/**
 * The caller's threads matching every filter: the database filters on metadata and
 * status and orders newest first; ids, values and other orders are applied here,
 * over at most THREAD_SCAN_LIMIT threads. With a window, only that page.
 */
async function findThreads(c: C, f: ThreadFilters, window?: ThreadWindow): Promise<Thread[]> {
  const scope = c.var.caller.scope;
  const { repos } = c.var.services.runtime;
  const newestFirst = window && window.sortBy === "created_at" && window.sortOrder === "desc";
  if (window && newestFirst && !f.ids && !f.values) {
    // the database's own order: read just as far as the page
    return (await scanThreads(c, scope, f, window.offset + window.limit)).slice(window.offset);
  }
  let rows: Thread[];
  if (f.ids) {
    rows = [];
    for (const id of new Set(f.ids)) {
      const thread = await repos.threads.get(scope, id);
      if (thread && (!f.status || thread.status === f.status) && matchesTopLevel(thread.metadata, f.metadata)) rows.push(thread);
    }
  } else {
    rows = await scanThreads(c, scope, f, THREAD_SCAN_LIMIT);
  }
  if (f.values) rows = rows.filter((t) => matchesTopLevel(t.values, f.values));
  if (!window) return rows;
  return sortThreads(rows, window.sortBy, window.sortOrder).slice(window.offset, window.offset + window.limit);
}

async function ownThread(c: C, threadId: string): Promise<Thread> {
  const thread = await c.var.services.runtime.repos.threads.get(c.var.caller.scope, threadId);
  if (!thread) throw new HttpError(404, `thread ${threadId} not found`);
  return thread;
}

function stateOut(view: ThreadStateView, select: string[] | null | undefined) {
  return selectFields(view, select ?? undefined);
}

/**
 * What the graph's reducers throw for values they cannot take (a message that
 * does not coerce, a wrong type) is the client's error: 422 with the graph's
 * message. Runtime errors keep their status; database failures stay ours.
 */
function refusedUpdate(err: unknown): never {
  if (fromRuntimeError(err) || !(err instanceof Error) || err.name.startsWith("Prisma")) throw err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^P\d{4}$/.test(code)) throw err;
  throw new HttpError(422, `the graph refused the update: ${err.message}`, [{ field: "body.values", message: err.message }]);
}

function checkpointParam(c: C): string {
  const id = c.req.param("checkpoint_id") ?? "";
  if (id.trim() === "") throw invalid([{ field: "path.checkpoint_id", message: "a checkpoint id is required" }]);
  return id;
}

// ---------------------------------------------------------------------------

export const threadRoutes = new Hono<ShimEnv>()
  .post("/threads", async (c) => {
    const b = await body(c, createBody);
    if (b.supersteps && b.supersteps.length > 0) {
      throw invalid([
        {
          field: "body.supersteps",
          message: "not supported on this server: create the thread, then start a run or POST /threads/{thread_id}/state",
        },
      ]);
    }
    const { repos } = c.var.services.runtime;
    const caller = c.var.caller;
    if (b.thread_id) {
      const own = await repos.threads.get(caller.scope, b.thread_id);
      if (own && b.if_exists === "do_nothing") return c.json(threadToWire(own));
      // another owner's thread with that id is a conflict too (ids are global), without showing it
      if (own || (await repos.threads.get({ all: true }, b.thread_id))) throw new HttpError(409, `thread ${b.thread_id} already exists`);
    }
    const thread = await repos.threads.create({ id: b.thread_id ?? undefined, ownerId: caller.userId, metadata: b.metadata ?? {} });
    return c.json(threadToWire(thread));
  })

  .post("/threads/search", async (c) => {
    const b = await body(c, searchBody);
    const rows = await findThreads(c, b, {
      offset: b.offset,
      limit: b.limit,
      sortBy: b.sort_by ?? "created_at",
      sortOrder: b.sort_order ?? "desc",
    });
    return c.json(rows.map((t) => selectFields(threadToWire(t), b.select ?? undefined)));
  })

  .post("/threads/count", async (c) => {
    const b = await body(c, countBody);
    return c.json((await findThreads(c, b)).length);
  })

  .get("/threads/:thread_id", async (c) => {
    query(c, z.object({ include: z.union([z.string(), z.array(z.string())]).optional() }).strict());
    return c.json(threadToWire(await ownThread(c, uuidParam(c, "thread_id"))));
  })

  .patch("/threads/:thread_id", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, patchBody);
    const { repos } = c.var.services.runtime;
    const thread = b.metadata
      ? await repos.threads.update(c.var.caller.scope, threadId, { metadata: b.metadata })
      : await repos.threads.get(c.var.caller.scope, threadId);
    if (!thread) throw new HttpError(404, `thread ${threadId} not found`);
    if (/return=minimal/i.test(c.req.header("Prefer") ?? "")) return c.body(null, 204);
    return c.json(threadToWire(thread));
  })

  .delete("/threads/:thread_id", async (c) => {
    await c.var.services.runtime.threads.delete(c.var.caller.scope, uuidParam(c, "thread_id"));
    return c.body(null, 204);
  })

  .post("/threads/:thread_id/copy", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    await body(c, z.object({}).strict());
    const copy = await c.var.services.runtime.threads.copy(c.var.caller.scope, threadId, c.var.caller.userId);
    return c.json(threadToWire(copy));
  })

  // ---- state
  .get("/threads/:thread_id/state", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, stateQuery);
    const view = await c.var.services.runtime.threads.state(c.var.caller.scope, threadId, { subgraphs: q.subgraphs });
    return c.json(stateOut(view, asList(q.select)));
  })

  .post("/threads/:thread_id/state", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, updateStateBody);
    const checkpointId = b.checkpoint_id ?? rootCheckpointId(b.checkpoint, "body.checkpoint");
    const result = await c.var.services.runtime.threads
      .updateState(c.var.caller.scope, threadId, {
        values: b.values ?? null,
        asNode: b.as_node ?? undefined,
        checkpointId,
      })
      .catch(refusedUpdate);
    return c.json(result);
  })

  .post("/threads/:thread_id/state/checkpoint", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, stateAtCheckpointBody);
    const view = await c.var.services.runtime.threads.state(c.var.caller.scope, threadId, {
      checkpointId: rootCheckpointId(b.checkpoint, "body.checkpoint"),
      subgraphs: b.subgraphs ?? undefined,
    });
    return c.json(stateOut(view, b.select));
  })

  .get("/threads/:thread_id/state/:checkpoint_id", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const checkpointId = checkpointParam(c);
    const q = query(c, stateQuery);
    const view = await c.var.services.runtime.threads.state(c.var.caller.scope, threadId, { checkpointId, subgraphs: q.subgraphs });
    return c.json(stateOut(view, asList(q.select)));
  })

  // ---- history, newest first
  .get("/threads/:thread_id/history", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, historyQuery);
    const views = await c.var.services.runtime.threads.history(c.var.caller.scope, threadId, { limit: q.limit, before: q.before });
    return c.json(views);
  })

  .post("/threads/:thread_id/history", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, historyBody);
    const views = await c.var.services.runtime.threads.history(c.var.caller.scope, threadId, {
      limit: b.limit,
      before: beforeId(b.before),
      checkpointId: rootCheckpointId(b.checkpoint, "body.checkpoint"),
      metadata: b.metadata && Object.keys(b.metadata).length > 0 ? b.metadata : undefined,
    });
    return c.json(views.map((v) => stateOut(v, b.select)));
  });
