import { Hono, type Context } from "hono";
import { z } from "zod";
import { ALL, IN_FLIGHT, type Scope } from "@lgrs/db";
import type { Run, Runtime } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { HttpError } from "../http-errors.ts";
import { deleteWhenDone, finalOutput, isVisible, runOnThread, setRunHeaders, toCreateRequest } from "../run-requests.ts";
import { cancelAction, flag, runCreateBody, runStatus, type RunCreateBody } from "../schemas.ts";
import { runStreamResponse } from "../sse.ts";
import { body, query, uuidParam } from "../validate.ts";
import { scanPages } from "../scan.ts";
import { runToWire } from "../wire.ts";

type C = Context<ShimEnv>;

/** rows asked of the database at once when listing a thread's runs */

/** `Last-Event-ID`: an event id, or -1 for "from the first event". */
function lastEventId(c: C): number | undefined {
  const raw = c.req.header("Last-Event-ID")?.trim();
  if (!raw) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new HttpError(422, `Last-Event-ID: "${raw}" is not an event id`, [{ field: "header.Last-Event-ID", message: "not an event id" }]);
  return Number(raw);
}

async function create(c: C, threadId: string | null, payload: RunCreateBody): Promise<Run> {
  const { runtime } = c.var.services;
  return runtime.runs.create(c.var.caller.scope, toCreateRequest(c.var.caller, threadId, payload));
}

async function createAndStream(c: C, threadId: string | null) {
  const payload = await body(c, runCreateBody);
  const run = await create(c, threadId, payload);
  const { runtime } = c.var.services;
  if (threadId === null) deleteWhenDone(runtime, run, payload.on_completion);
  return runStreamResponse(c, runtime, c.var.caller.scope, run, { cancelOnDisconnect: payload.on_disconnect === "cancel" });
}

async function createAndWait(c: C, threadId: string | null) {
  const payload = await body(c, runCreateBody);
  const { runtime } = c.var.services;
  const scope = c.var.caller.scope;
  const run = await create(c, threadId, payload);
  setRunHeaders(c, run);
  const finished = await joinOrCancel(c, runtime, scope, run, payload.on_disconnect === "cancel");
  const output = await finalOutput(runtime, scope, finished);
  if (threadId === null && (payload.on_completion ?? "delete") === "delete")
    await runtime.threads.delete({ userId: run.ownerId, scope: ALL }, run.threadId);
  return c.json(output as object);
}

/** Waits for the run's end; the client leaving first cancels it when asked to. */
async function joinOrCancel(c: C, runtime: Runtime, scope: Scope, run: Run, cancelOnDisconnect: boolean): Promise<Run> {
  const signal = c.req.raw.signal;
  const onAbort = () => void runtime.runs.cancel(ALL, run.id).catch(() => {});
  if (cancelOnDisconnect) signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await runtime.runs.join(scope, run.id);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
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
    status: runStatus.optional(),
    select: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

const joinStreamQuery = z
  .object({
    cancel_on_disconnect: flag.default(false),
    stream_mode: z.union([z.string(), z.array(z.string())]).optional(),
    namespace: z.union([z.string(), z.array(z.string())]).optional(),
    checkpoint_id: z.string().optional(),
    action: cancelAction.optional(),
  })
  .strict();

const cancelQuery = z
  .object({ wait: flag.default(false), action: cancelAction.default("interrupt"), reason: z.string().optional() })
  .strict();

const bulkCancelBody = z
  .object({
    thread_id: z.uuid().optional(),
    run_ids: z.array(z.uuid()).min(1).optional(),
    status: z.enum(["pending", "running", "all"]).optional(),
  })
  .strict()
  .refine((b) => b.thread_id !== undefined || b.run_ids !== undefined || b.status !== undefined, {
    message: "give thread_id, run_ids or status",
    path: ["thread_id"],
  });

export const runRoutes = new Hono<ShimEnv>()
  // ---- creating runs on a thread
  .post("/threads/:thread_id/runs", async (c) => {
    const run = await create(c, uuidParam(c, "thread_id"), await body(c, runCreateBody));
    setRunHeaders(c, run);
    return c.json(runToWire(run));
  })
  .post("/threads/:thread_id/runs/stream", (c) => createAndStream(c, uuidParam(c, "thread_id")))
  .post("/threads/:thread_id/runs/wait", (c) => createAndWait(c, uuidParam(c, "thread_id")))

  // ---- stateless runs: a temporary thread, deleted afterwards unless on_completion is "keep"
  .post("/runs", async (c) => {
    const payload = await body(c, runCreateBody);
    const run = await create(c, null, payload);
    deleteWhenDone(c.var.services.runtime, run, payload.on_completion);
    setRunHeaders(c, run);
    return c.json(runToWire(run));
  })
  .post("/runs/stream", (c) => createAndStream(c, null))
  .post("/runs/wait", (c) => createAndWait(c, null))
  .post("/runs/batch", async (c) => {
    const payloads = await body(c, batchBody);
    const runs: Run[] = [];
    for (const payload of payloads) {
      const run = await create(c, null, payload);
      deleteWhenDone(c.var.services.runtime, run, payload.on_completion);
      runs.push(run);
    }
    return c.json(runs.map(runToWire));
  })

  // ---- cancelling many runs
  .post("/runs/cancel", async (c) => {
    const { action } = query(c, z.object({ action: cancelAction.default("interrupt") }).strict());
    const filter = await body(c, bulkCancelBody);
    const { runtime } = c.var.services;
    const scope = c.var.caller.scope;
    let targets: Run[];
    if (filter.run_ids) {
      targets = [];
      for (const id of filter.run_ids) {
        const run = await runtime.runs.get(scope, id);
        if (!run || !isVisible(run) || (filter.thread_id && run.threadId !== filter.thread_id))
          throw new HttpError(404, `run ${id} not found`);
        targets.push(run);
      }
    } else {
      if (filter.thread_id && !(await runtime.repos.threads.get(scope, filter.thread_id))) {
        throw new HttpError(404, `thread ${filter.thread_id} not found`);
      }
      const statuses = !filter.status || filter.status === "all" ? IN_FLIGHT : [filter.status];
      targets = (await runtime.repos.runs.list(scope, { threadId: filter.thread_id, status: [...statuses], limit: 500 })).items;
    }
    for (const run of targets.filter((r) => IN_FLIGHT.includes(r.status))) await runtime.runs.cancel(scope, run.id, { action });
    return c.body(null, 204);
  })

  // ---- one thread's runs
  .get("/threads/:thread_id/runs", async (c) => {
    const threadId = uuidParam(c, "thread_id");
    const q = query(c, listQuery);
    const { runtime } = c.var.services;
    const scope = c.var.caller.scope;
    if (!(await runtime.repos.threads.get(scope, threadId))) throw new HttpError(404, `thread ${threadId} not found`);
    // the thread's runs, newest first, leaving out rolled-back ones, until offset + limit are known
    const wanted = q.offset + q.limit;
    const runs = await scanPages(
      (cursor, limit) => runtime.repos.runs.list(scope, { threadId, status: q.status, limit, cursor }),
      wanted,
      isVisible,
    );
    return c.json(runs.slice(q.offset, wanted).map(runToWire));
  })
  .get("/threads/:thread_id/runs/:run_id", async (c) => {
    const run = await runOnThread(c.var.services.runtime, c.var.caller.scope, uuidParam(c, "thread_id"), uuidParam(c, "run_id"));
    return c.json(runToWire(run));
  })
  .delete("/threads/:thread_id/runs/:run_id", async (c) => {
    const { runtime } = c.var.services;
    const run = await runOnThread(runtime, c.var.caller.scope, uuidParam(c, "thread_id"), uuidParam(c, "run_id"));
    if (IN_FLIGHT.includes(run.status)) throw new HttpError(409, `run ${run.id} is ${run.status}: cancel it before deleting it`);
    await runtime.repos.runs.delete(c.var.caller.scope, run.id);
    return c.body(null, 204);
  })
  .get("/threads/:thread_id/runs/:run_id/join", async (c) => {
    const { cancel_on_disconnect } = query(c, z.object({ cancel_on_disconnect: flag.default(false) }).strict());
    const { runtime } = c.var.services;
    const scope = c.var.caller.scope;
    const run = await runOnThread(runtime, scope, uuidParam(c, "thread_id"), uuidParam(c, "run_id"));
    const finished = await joinOrCancel(c, runtime, scope, run, cancel_on_disconnect);
    return c.json((await finalOutput(runtime, scope, finished)) as object);
  })
  .on(["GET", "POST"], "/threads/:thread_id/runs/:run_id/stream", async (c) => {
    const q = query(c, joinStreamQuery);
    const { runtime } = c.var.services;
    const scope = c.var.caller.scope;
    const run = await runOnThread(runtime, scope, uuidParam(c, "thread_id"), uuidParam(c, "run_id"));
    // POST with an action: cancel first, then stream what remains (the run's last events)
    if (c.req.method === "POST" && q.action) await runtime.runs.cancel(scope, run.id, { action: q.action });
    return runStreamResponse(c, runtime, scope, run, {
      lastEventId: lastEventId(c),
      cancelOnDisconnect: q.cancel_on_disconnect,
      modes: q.stream_mode === undefined ? undefined : [q.stream_mode].flat(),
    });
  })
  .post("/threads/:thread_id/runs/:run_id/cancel", async (c) => {
    const q = query(c, cancelQuery);
    const { runtime } = c.var.services;
    const scope = c.var.caller.scope;
    const run = await runOnThread(runtime, scope, uuidParam(c, "thread_id"), uuidParam(c, "run_id"));
    await runtime.runs.cancel(scope, run.id, { action: q.action, wait: q.wait });
    return c.body(null, q.wait ? 204 : 202);
  });
