import { Hono, type Context } from "hono";
import { z } from "zod";
import { MAX_SEARCH_LIMIT, schemas, type CronRunPayload, type CronSortKey, type CronView } from "@lgrs/runtime";
import type { ShimEnv } from "../env.ts";
import { searchAnswer, searchWindow } from "../search-page.ts";
import { durabilityOf } from "../run-requests.ts";
import { body, uuidParam, uuidString } from "../validate.ts";

type C = Context<ShimEnv>;

const streamModes = z.union([schemas.streamMode, z.array(schemas.streamMode)]);
const endTime = z.iso.datetime({ offset: true });

/** What each tick's run is asked to do, as a cron request carries it (create and update). */
const payloadFields = {
  input: z.unknown().optional(),
  command: schemas.runCommand.nullish(),
  config: schemas.runnableConfig.nullish(),
  context: schemas.jsonObject.nullish(),
  metadata: schemas.jsonObject.nullish(),
  stream_mode: streamModes.nullish(),
  stream_subgraphs: z.boolean().nullish(),
  /** accepted, as for runs: every run's stream is resumable here */
  stream_resumable: z.boolean().nullish(),
  interrupt_before: schemas.nodeNames.nullish(),
  interrupt_after: schemas.nodeNames.nullish(),
  webhook: schemas.webhookUrl.nullish(),
  on_run_completed: schemas.onCompletion.nullish(),
  /** the older spelling of durability: false is `exit` */
  checkpoint_during: z.boolean().nullish(),
  durability: schemas.durability.nullish(),
  enabled: z.boolean().nullish(),
  timezone: z.string().min(1).max(64).nullish(),
};

const createBody = z
  .object({
    assistant_id: schemas.name,
    schedule: z.string().min(1).max(256),
    end_time: endTime.nullish(),
    multitask_strategy: schemas.multitaskStrategy.nullish(),
    ...payloadFields,
  })
  .strict();

const updateBody = z
  .object({
    schedule: z.string().min(1).max(256).nullish(),
    /** null clears the end time; absent leaves it */
    end_time: endTime.nullable().optional(),
    ...payloadFields,
  })
  .strict();

const filters = {
  assistant_id: schemas.name.nullish(),
  thread_id: uuidString.nullish(),
  enabled: z.boolean().nullish(),
  metadata: schemas.jsonObject.nullish(),
};

const CRON_FIELDS = [
  "cron_id",
  "assistant_id",
  "thread_id",
  "end_time",
  "schedule",
  "created_at",
  "updated_at",
  "user_id",
  "payload",
  "next_run_date",
  "metadata",
  "now",
  "timezone",
  "enabled",
  "on_run_completed",
] as const;

const SORT_KEYS = {
  cron_id: "cronId",
  assistant_id: "assistantId",
  thread_id: "threadId",
  created_at: "createdAt",
  updated_at: "updatedAt",
  next_run_date: "nextRunAt",
} as const satisfies Record<string, CronSortKey>;

const searchBody = z
  .object({
    ...filters,
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
    offset: schemas.searchOffset.default(0),
    sort_by: z.enum(Object.keys(SORT_KEYS) as [keyof typeof SORT_KEYS]).nullish(),
    sort_order: schemas.sortOrder.nullish(),
    select: z.array(z.enum(CRON_FIELDS)).nullish(),
  })
  .strict();

const countBody = z.object(filters).strict();

type PayloadBody = { [K in keyof typeof payloadFields]?: z.output<(typeof payloadFields)[K]> };

/** The runtime's run payload for the body's run options (only those it gives). */
function payloadOf(b: PayloadBody & { multitask_strategy?: CronRunPayload["multitaskStrategy"] | null }): CronRunPayload {
  const payload: CronRunPayload = {
    input: b.input,
    command: b.command ?? undefined,
    config: b.config ?? undefined,
    context: b.context ?? undefined,
    metadata: b.metadata ?? undefined,
    streamMode: b.stream_mode == null ? undefined : [b.stream_mode].flat(),
    streamSubgraphs: b.stream_subgraphs ?? undefined,
    durability: durabilityOf(b),
    interruptBefore: b.interrupt_before ?? undefined,
    interruptAfter: b.interrupt_after ?? undefined,
    webhook: b.webhook ?? undefined,
    multitaskStrategy: b.multitask_strategy ?? undefined,
    onCompletion: b.on_run_completed ?? undefined,
  };
  return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)) as CronRunPayload;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/** A cron as LangGraph's API shows it. */
export function cronToWire(cron: CronView) {
  const { onCompletion, ...runOptions } = cron.payload;
  return {
    cron_id: cron.id,
    assistant_id: cron.assistantId,
    thread_id: cron.threadId,
    user_id: cron.ownerId,
    schedule: cron.schedule,
    timezone: cron.timezone,
    end_time: cron.endTime?.toISOString() ?? null,
    enabled: cron.enabled,
    next_run_date: cron.nextRunAt?.toISOString() ?? null,
    payload: Object.fromEntries(Object.entries(runOptions).map(([k, v]) => [snake(k), v])),
    metadata: cron.metadata ?? {},
    // only stateless crons make threads to keep or delete
    ...(cron.threadId ? {} : { on_run_completed: onCompletion ?? "delete" }),
    created_at: cron.createdAt.toISOString(),
    updated_at: cron.updatedAt.toISOString(),
  };
}

async function create(c: C, threadId: string | null) {
  const b = await body(c, createBody);
  const cron = await c.var.services.runtime.crons.create(c.var.caller, {
    assistantId: b.assistant_id,
    threadId,
    schedule: b.schedule,
    timezone: b.timezone ?? null,
    endTime: b.end_time ? new Date(b.end_time) : null,
    enabled: b.enabled ?? true,
    metadata: b.metadata ?? undefined,
    payload: payloadOf(b),
  });
  return c.json(cronToWire(cron));
}

function matchOf(b: z.output<typeof countBody>) {
  return {
    assistantId: b.assistant_id ?? undefined,
    threadId: b.thread_id ?? undefined,
    enabled: b.enabled ?? undefined,
    metadata: b.metadata ?? undefined,
  };
}

/** The LangGraph API's crons: `client.crons` of the SDK. */
export const cronRoutes = new Hono<ShimEnv>()
  .post("/runs/crons", (c) => create(c, null))

  .post("/threads/:thread_id/runs/crons", (c) => create(c, uuidParam(c, "thread_id")))

  .post("/runs/crons/search", async (c) => {
    const b = await body(c, searchBody);
    const page = await c.var.services.runtime.crons.search(c.var.caller, { ...matchOf(b), ...searchWindow(b, SORT_KEYS, "created_at") });
    return searchAnswer(c, page, b, cronToWire);
  })

  .post("/runs/crons/count", async (c) => {
    const b = await body(c, countBody);
    return c.json(await c.var.services.runtime.crons.count(c.var.caller, matchOf(b)));
  })

  .patch("/runs/crons/:cron_id", async (c) => {
    const cronId = uuidParam(c, "cron_id");
    const b = await body(c, updateBody);
    const payload = payloadOf(b);
    const cron = await c.var.services.runtime.crons.update(c.var.caller, cronId, {
      schedule: b.schedule ?? undefined,
      timezone: b.timezone === undefined ? undefined : b.timezone,
      endTime: b.end_time === undefined ? undefined : b.end_time === null ? null : new Date(b.end_time),
      enabled: b.enabled ?? undefined,
      metadata: b.metadata ?? undefined,
      payload: Object.keys(payload).length > 0 ? payload : undefined,
    });
    return c.json(cronToWire(cron));
  })

  .delete("/runs/crons/:cron_id", async (c) => {
    await c.var.services.runtime.crons.delete(c.var.caller, uuidParam(c, "cron_id"));
    return c.body(null, 204);
  });
