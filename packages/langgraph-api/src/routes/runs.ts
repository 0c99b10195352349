import { Hono, type Context } from "hono";
import { z } from "zod";
import { schemas, type Run } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { HttpError } from "../http-errors.ts";
import { outcomeToWire, setRunHeaders, toCreateRequest } from "../run-requests.ts";
import { flag, runCreateBody } from "../schemas.ts";
import { leaveSignal, runStreamResponse } from "../sse.ts";
import { body, query, uuidParam, uuidString } from "../validate.ts";
import { runToWire } from "../wire.ts";

type C = Context<ShimEnv>;

/** `Last-Event-ID`: an event id, or -1 for "from the first event". */
function lastEventId(c: C): number | undefined {
  const raw = c.req.header("Last-Event-ID")?.trim();
  if (!raw) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new HttpError(422, `Last-Event-ID: "${raw}" is not an event id`, [{ field: "header.Last-Event-ID", message: "not an event id" }]);
  return Number(raw);
}

/**
 * A wait the client gave up on: nobody reads the answer any more (the runtime has
 * already cancelled the run when the request asked for that).
 */
function leftEarly(c: C, err: unknown): Response {
  if (c.req.raw.signal.aborted) return c.body(null, 204);
  throw err;
}

async function createAndStream(c: C, threadId: string | null) {
  const request = toCreateRequest(threadId, await body(c, runCreateBody));
  const leave = leaveSignal(c);
  const events = await c.var.services.runtime.runs.createAndStream(c.var.caller, request, { signal: leave.signal });
  return runStreamResponse(c, events, leave);
}

async function createAndWait(c: C, threadId: string | null) {
  const request = toCreateRequest(threadId, await body(c, runCreateBody));
  const { runtime } = c.var.services;
  try {
    const outcome = await runtime.runs.createAndWait(c.var.caller, request, { signal: leaveSignal(c).signal });
    setRunHeaders(c, outcome.run);
    return c.json(outcomeToWire(outcome) as object);
  } catch (err) {
    return leftEarly(c, err);
  }
}

async function create(c: C, threadId: string | null) {
  const run = await c.var.services.runtime.runs.create(c.var.caller, toCreateRequest(threadId, await body(c, runCreateBody)));
  setRunHeaders(c, run);
  return c.json(runToWire(run));
}

/**
 * The SDK's `runs.createBatch` sends each payload as the caller wrote it, in
 * camelCase (`assistantId`, `onCompletion`, `streamMode`...), next to the
 * `assistant_id` it adds: read each top-level camelCase key as its snake_case
 * field (an explicit snake_case key wins), so the SDK's batches are not
 * rejected as unknown fields and their options are honoured.
 */
function snakeCaseKeys(item: unknown): unknown {
  if (!item || typeof item !== "object" || Array.isArray(item)) return item;
  const out: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const [key, value] of Object.entries(item)) {
    const snake = key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
    if (snake === key) continue;
    delete out[key];
    if (out[snake] === undefined) out[snake] = value;
  }
  return out;
}

const batchBody = z.array(z.preprocess(snakeCaseKeys, runCreateBody)).min(1).max(100);

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
    status: schemas.runStatus.optional(),
    select: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

const joinStreamQuery = z
  .object({
    cancel_on_disconnect: flag.default(false),
    stream_mode: z.union([z.string(), z.array(z.string())]).optional(),
    namespace: z.union([z.string(), z.array(z.string())]).optional(),
    checkpoint_id: z.string().optional(),
    action: schemas.cancelAction.optional(),
  })
  .strict();

const cancelQuery = z
  .object({ wait: flag.default(false), action: schemas.cancelAction.default("interrupt"), reason: z.string().optional() })
  .strict();

const bulkCancelBody = z
  .object({
    thread_id: uuidString.optional(),
    run_ids: z.array(uuidString).min(1).optional(),
    status: schemas.cancelManyStatus.optional(),
  })
  .strict();

/** `cancel_on_disconnect` of a join: a joining client cancels the run by leaving only when it says so. */
const onDisconnect = (cancel: boolean) => (cancel ? "cancel" : "continue");

/** `runs.joinStream`: the run's events from `Last-Event-ID` on; a POST with an action cancels first, then streams what remains. */
async function joinStream(c: C, threadId: string | undefined) {
  const q = query(c, joinStreamQuery);
  const leave = leaveSignal(c);
  const events = await c.var.services.runtime.runs.stream(c.var.caller, uuidParam(c, "run_id"), {
    threadId,
    lastEventId: lastEventId(c),
    signal: leave.signal,
    onDisconnect: onDisconnect(q.cancel_on_disconnect),
    streamModes: q.stream_mode === undefined ? undefined : [q.stream_mode].flat(),
    action: c.req.method === "POST" ? q.action : undefined,
    door: "langgraph-api",
  });
  return runStreamResponse(c, events, leave);
}

export const runRoutes = new Hono<ShimEnv>()
  // ---- creating runs on a thread
  .post("/threads/:thread_id/runs", (c) => create(c, uuidParam(c, "thread_id")))
  .post("/threads/:thread_id/runs/stream", (c) => createAndStream(c, uuidParam(c, "thread_id")))
  .post("/threads/:thread_id/runs/wait", (c) => createAndWait(c, uuidParam(c, "thread_id")))

  // ---- stateless runs: a temporary thread, deleted once the run ends unless on_completion is "keep"
  .post("/runs", (c) => create(c, null))
  .post("/runs/stream", (c) => createAndStream(c, null))
  .post("/runs/wait", (c) => createAndWait(c, null))
  .post("/runs/batch", async (c) => {
    const payloads = await body(c, batchBody);
    const runs: Run[] = [];
    for (const payload of payloads) runs.push(await c.var.services.runtime.runs.create(c.var.caller, toCreateRequest(null, payload)));
    return c.json(runs.map(runToWire));
  })

  // ---- cancelling many runs
  // `runs.joinStream(null, runId)`: the run found by its id alone (still only the caller's own)
  .get("/runs/:run_id/stream", (c) => joinStream(c, undefined))
  .post("/runs/cancel", async (c) => {
    const { action } = query(c, z.object({ action: schemas.cancelAction.default("interrupt") }).strict());
    const filter = await body(c, bulkCancelBody);
    await c.var.services.runtime.runs.cancelMany(c.var.caller, {
      threadId: filter.thread_id,
      runIds: filter.run_ids,
      status: filter.status,
      action,
      door: "langgraph-api",
    });
    return c.body(null, 204);
  })

  // ---- one thread's runs
  .get("/threads/:thread_id/runs", async (c) => {
    const q = query(c, listQuery);
    const runs = await c.var.services.runtime.runs.listForThread(c.var.caller, uuidParam(c, "thread_id"), q);
    return c.json(runs.map(runToWire));
  })
  .get("/threads/:thread_id/runs/:run_id", async (c) => {
    const run = await c.var.services.runtime.runs.get(c.var.caller, uuidParam(c, "run_id"), { threadId: uuidParam(c, "thread_id") });
    return c.json(runToWire(run));
  })
  .delete("/threads/:thread_id/runs/:run_id", async (c) => {
    await c.var.services.runtime.runs.delete(c.var.caller, uuidParam(c, "run_id"), { threadId: uuidParam(c, "thread_id") });
    return c.body(null, 204);
  })
  .get("/threads/:thread_id/runs/:run_id/join", async (c) => {
    const { cancel_on_disconnect } = query(c, z.object({ cancel_on_disconnect: flag.default(false) }).strict());
    try {
      const outcome = await c.var.services.runtime.runs.wait(c.var.caller, uuidParam(c, "run_id"), {
        threadId: uuidParam(c, "thread_id"),
        signal: leaveSignal(c).signal,
        onDisconnect: onDisconnect(cancel_on_disconnect),
      });
      return c.json(outcomeToWire(outcome) as object);
    } catch (err) {
      return leftEarly(c, err);
    }
  })
  .on(["GET", "POST"], "/threads/:thread_id/runs/:run_id/stream", (c) => joinStream(c, uuidParam(c, "thread_id")))
  .post("/threads/:thread_id/runs/:run_id/cancel", async (c) => {
    const q = query(c, cancelQuery);
    await c.var.services.runtime.runs.cancel(c.var.caller, uuidParam(c, "run_id"), {
      threadId: uuidParam(c, "thread_id"),
      action: q.action,
      wait: q.wait,
      door: "langgraph-api",
    });
    return c.body(null, q.wait ? 204 : 202);
  });
