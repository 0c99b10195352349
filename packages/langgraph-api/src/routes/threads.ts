import { Hono, type Context } from "hono";
import { z } from "zod";
import {
  MAX_SEARCH_LIMIT,
  parseThreadEventId,
  schemas,
  type Thread,
  type ThreadSortKey,
  type ThreadStateView,
  type ThreadTtl,
} from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { invalid } from "../http-errors.ts";
import { flag } from "../schemas.ts";
import { body, query, uuidParam, uuidString } from "../validate.ts";
import { threadToWire } from "../wire.ts";
import { selectFields } from "../wire-extra.ts";
import { searchAnswer, searchWindow } from "../search-page.ts";
import { checkpointToWire, threadStateToWire } from "../wire-state.ts";
import { leaveSignal, sseResponse } from "../sse.ts";

type C = Context<ShimEnv>;

/**
 * A thread's time to live as the SDK sends it: minutes alone (strategy `delete`), or
 * `{ ttl, strategy }`. The thread expires that long after it is set, then the sweeper
 * deletes it (`delete`) or keeps only its latest checkpoint (`keep_latest`).
 */
const ttl = z.preprocess(
  (value) => (typeof value === "number" ? { ttl: value } : value),
  z.object({ ttl: schemas.ttlMinutes, strategy: schemas.pruneStrategy.optional() }).strict(),
);

function ttlOf(value: z.output<typeof ttl> | null | undefined): ThreadTtl | undefined {
  if (value == null) return undefined;
  return { strategy: value.strategy ?? "delete", minutes: value.ttl };
}

/** `include=ttl` of a thread read: its ttl as LangGraph shows it, or null. */
function withTtl(thread: Thread, include: string | string[] | undefined) {
  const wire = threadToWire(thread);
  if (![include ?? []].flat().some((i) => i.split(",").includes("ttl"))) return wire;
  const ttlInfo =
    thread.ttlMinutes == null
      ? null
      : { strategy: thread.ttlStrategy ?? "delete", ttl_minutes: thread.ttlMinutes, expires_at: thread.expiresAt?.toISOString() ?? null };
  return { ...wire, ttl: ttlInfo };
}

const { jsonObject, threadStatus, ifExists, sortOrder } = schemas;

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
    if_exists: ifExists.nullish(),
    /** not supported: create the thread, run it or POST /threads/{id}/state */
    supersteps: z.array(z.unknown()).nullish(),
    ttl: ttl.nullish(),
  })
  .strict();

const patchBody = z.object({ metadata: jsonObject.nullish(), ttl: ttl.nullish() }).strict();

const pruneBody = z
  .object({
    thread_ids: z.array(uuidString).min(1).max(1000),
    strategy: schemas.pruneStrategy.default("delete"),
  })
  .strict();

const patchStateBody = z
  .object({
    metadata: jsonObject,
    checkpoint_id: z.string().min(1).nullish(),
    checkpoint: checkpointRef.nullish(),
  })
  .strict();

const threadStreamModes = z.union([schemas.threadStreamMode, z.array(schemas.threadStreamMode)]);

/** `stream_mode` as the SDK sends it (`stream_modes` as LangGraph's reference names it). */
const threadStreamQuery = z.object({ stream_mode: threadStreamModes.optional(), stream_modes: threadStreamModes.optional() }).strict();

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
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
    offset: schemas.searchOffset.default(0),
    sort_by: z.enum(["thread_id", "status", "created_at", "updated_at", "state_updated_at"]).nullish(),
    sort_order: sortOrder.nullish(),
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

/** The runtime's name of each sort key the wire takes. */
const SORT_KEYS = {
  thread_id: "threadId",
  status: "status",
  created_at: "createdAt",
  updated_at: "updatedAt",
  state_updated_at: "stateUpdatedAt",
} as const satisfies Record<string, ThreadSortKey>;

/** The filters of a search or count, as the runtime takes them. */
function matchOf(b: z.output<typeof countBody> & { ids?: string[] | null }) {
  return {
    ids: b.ids ?? undefined,
    status: b.status ?? undefined,
    metadata: b.metadata ?? undefined,
    values: b.values ?? undefined,
  };
}

function stateOut(view: ThreadStateView, select: string[] | null | undefined) {
  return selectFields(threadStateToWire(view), select ?? undefined);
}

/** Last-Event-ID of a thread stream: an id the stream gave, or -1 / - for the thread's first run; 422 naming the header otherwise. */
function threadEventId(c: C): string | undefined {
  const raw = c.req.header("Last-Event-ID")?.trim();
  if (!raw) return undefined;
  try {
    parseThreadEventId(raw);
  } catch (err) {
    throw invalid([{ field: "header.Last-Event-ID", message: (err as Error).message }]);
  }
  return raw;
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
    const thread = await c.var.services.runtime.threads.create(c.var.caller, {
      threadId: b.thread_id ?? undefined,
      metadata: b.metadata ?? undefined,
      ifExists: b.if_exists ?? undefined,
      ttl: ttlOf(b.ttl),
    });
    return c.json(threadToWire(thread));
  })

  .post("/threads/prune", async (c) => {
    const b = await body(c, pruneBody);
    const { prunedCount } = await c.var.services.runtime.threads.prune(c.var.caller, b.thread_ids, b.strategy);
    return c.json({ pruned_count: prunedCount });
  })

  .post("/threads/search", async (c) => {
    const b = await body(c, searchBody);
    const page = await c.var.services.runtime.threads.search(c.var.caller, { ...matchOf(b), ...searchWindow(b, SORT_KEYS, "created_at") });
    return searchAnswer(c, page, b, threadToWire);
  })

  .post("/threads/count", async (c) => {
    const b = await body(c, countBody);
    return c.json(await c.var.services.runtime.threads.count(c.var.caller, matchOf(b)));
  })

  .get("/threads/:thread_id", async (c) => {
    const q = query(c, z.object({ include: z.union([z.string(), z.array(z.string())]).optional() }).strict());
    return c.json(withTtl(await c.var.services.runtime.threads.get(c.var.caller, uuidParam(c, "thread_id")), q.include));
  })

  .patch("/threads/:thread_id", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, patchBody);
    const thread = await c.var.services.runtime.threads.update(c.var.caller, threadId, {
      metadata: b.metadata ?? undefined,
      ttl: ttlOf(b.ttl),
    });
    if (/return=minimal/i.test(c.req.header("Prefer") ?? "")) return c.body(null, 204);
    return c.json(threadToWire(thread));
  })

  .delete("/threads/:thread_id", async (c) => {
    await c.var.services.runtime.threads.delete(c.var.caller, uuidParam(c, "thread_id"));
    return c.body(null, 204);
  })

  .post("/threads/:thread_id/copy", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    await body(c, z.object({}).strict());
    return c.json(threadToWire(await c.var.services.runtime.threads.copy(c.var.caller, threadId)));
  })

  // ---- state
  .get("/threads/:thread_id/state", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, stateQuery);
    const view = await c.var.services.runtime.threads.state(c.var.caller, threadId, { subgraphs: q.subgraphs });
    return c.json(stateOut(view, asList(q.select)));
  })

  .post("/threads/:thread_id/state", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, updateStateBody);
    const checkpointId = b.checkpoint_id ?? rootCheckpointId(b.checkpoint, "body.checkpoint");
    const { checkpoint } = await c.var.services.runtime.threads.updateState(c.var.caller, threadId, {
      values: b.values ?? null,
      asNode: b.as_node ?? undefined,
      checkpointId,
    });
    return c.json({ checkpoint: checkpointToWire(checkpoint) });
  })

  .patch("/threads/:thread_id/state", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, patchStateBody);
    await c.var.services.runtime.threads.patchState(c.var.caller, threadId, {
      metadata: b.metadata,
      checkpointId: b.checkpoint_id ?? rootCheckpointId(b.checkpoint, "body.checkpoint"),
    });
    return c.body(null, 204);
  })

  // ---- the thread's stream: every run on it, live, resumable with Last-Event-ID
  .get("/threads/:thread_id/stream", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, threadStreamQuery);
    const lastEventId = threadEventId(c);
    const leave = leaveSignal(c);
    const events = await c.var.services.runtime.threads.stream(c.var.caller, threadId, {
      lastEventId,
      modes: [q.stream_mode ?? [], q.stream_modes ?? []].flat(),
      signal: leave.signal,
    });
    return sseResponse(c, events, leave, { connected: true });
  })

  .post("/threads/:thread_id/state/checkpoint", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, stateAtCheckpointBody);
    const view = await c.var.services.runtime.threads.state(c.var.caller, threadId, {
      checkpointId: rootCheckpointId(b.checkpoint, "body.checkpoint"),
      subgraphs: b.subgraphs ?? undefined,
    });
    return c.json(stateOut(view, b.select));
  })

  .get("/threads/:thread_id/state/:checkpoint_id", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const checkpointId = checkpointParam(c);
    const q = query(c, stateQuery);
    const view = await c.var.services.runtime.threads.state(c.var.caller, threadId, { checkpointId, subgraphs: q.subgraphs });
    return c.json(stateOut(view, asList(q.select)));
  })

  // ---- history, newest first
  .get("/threads/:thread_id/history", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, historyQuery);
    const views = await c.var.services.runtime.threads.history(c.var.caller, threadId, { limit: q.limit, before: q.before });
    return c.json(views.map((v) => threadStateToWire(v)));
  })

  .post("/threads/:thread_id/history", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const b = await body(c, historyBody);
    const views = await c.var.services.runtime.threads.history(c.var.caller, threadId, {
      limit: b.limit,
      before: beforeId(b.before),
      checkpointId: rootCheckpointId(b.checkpoint, "body.checkpoint"),
      metadata: b.metadata && Object.keys(b.metadata).length > 0 ? b.metadata : undefined,
    });
    return c.json(views.map((v) => stateOut(v, b.select)));
  });
