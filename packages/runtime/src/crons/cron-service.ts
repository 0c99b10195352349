import { ALL, type Cron, type CronMatch, type CronSearch, type JsonObject, type OffsetPage } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { resolveAssistant } from "../assistants/defaults.ts";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";
import type { RunManager } from "../runs/run-manager.ts";
import { stoppedBy } from "../runs/stop-reason.ts";
import { webhookUrlProblem } from "../runs/webhook-policy.ts";
import type { CronTicker } from "./cron-ticker.ts";
import type { CronRunPayload } from "./cron-payload.ts";
import { checkSchedule, nextTick, type ScheduleRules } from "./schedule.ts";

export type { CronRunPayload };

export interface NewCronInput {
  /** an assistant id, or a graph id standing for its default assistant */
  assistantId: string;
  /** absent or null: each tick runs on a new thread */
  threadId?: string | null;
  /** 5 fields: minute hour day-of-month month day-of-week */
  schedule: string;
  /** IANA zone the schedule is read in; absent or null: UTC */
  timezone?: string | null;
  /** no tick at or after this time */
  endTime?: Date | null;
  /** false: created paused */
  enabled?: boolean;
  metadata?: JsonObject;
  payload?: CronRunPayload;
}

export interface CronPatchInput {
  schedule?: string;
  timezone?: string | null;
  /** null clears it */
  endTime?: Date | null;
  enabled?: boolean;
  /** merged into the cron's metadata */
  metadata?: JsonObject;
  /** merged into the payload, key by key */
  payload?: CronRunPayload;
}

/** A cron as the services give it: the row, its payload typed. */
export type CronView = Omit<Cron, "payload"> & { payload: CronRunPayload };

function view(cron: Cron): CronView {
  return { ...cron, payload: (cron.payload ?? {}) as CronRunPayload };
}

/**
 * Crons as every API door sees them: create (on a thread, or stateless), read,
 * search, count, update, pause and resume, delete. Each method takes the caller
 * first; another owner's cron reads exactly like a missing one. The ticker
 * (cron-ticker.ts) creates the runs; this only keeps `nextRunAt` right and tells
 * the ticker when it changed.
 */
export class CronService {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly rules: ScheduleRules,
    private readonly ticker: CronTicker,
    private readonly manager: RunManager,
  ) {}

  async create(actor: Actor, input: NewCronInput): Promise<CronView> {
    const { repos } = this.ctx;
    const timezone = input.timezone ?? null;
    checkSchedule({ expression: input.schedule, timezone }, this.rules);
    const assistant = await resolveAssistant(repos, input.assistantId);
    if (!this.ctx.graphs.has(assistant.graphId)) {
      throw new InvalidRequestError(`graph ${assistant.graphId} of assistant ${assistant.id} is not loaded on this server`, {
        field: "assistantId",
      });
    }
    const threadId = input.threadId ?? null;
    if (threadId !== null && !(await repos.threads.get(actor.scope, threadId))) throw new NotFoundError(`thread ${threadId} not found`);
    const payload = this.checkPayload(input.payload ?? {});
    const endTime = input.endTime ?? null;
    const enabled = input.enabled ?? true;
    const cron = await repos.crons.create({
      ownerId: actor.userId,
      assistantId: assistant.id,
      threadId,
      schedule: input.schedule.trim(),
      timezone,
      payload: payload as JsonObject,
      metadata: input.metadata ?? {},
      endTime,
      enabled,
      nextRunAt: nextTick({ expression: input.schedule, timezone }, new Date(), endTime),
    });
    this.ticker.poke();
    return view(cron);
  }

  async get(actor: Actor, cronId: string): Promise<CronView> {
    const cron = await this.ctx.repos.crons.get(actor.scope, cronId);
    if (!cron) throw new NotFoundError(`cron ${cronId} not found`);
    return view(cron);
  }

  /** One page of the caller's crons, newest first unless sorted otherwise. */
  async search(actor: Actor, filter: CronSearch = {}): Promise<OffsetPage<CronView>> {
    const page = await this.ctx.repos.crons.search(actor.scope, await this.matchOf(filter));
    return { ...page, items: page.items.map(view) };
  }

  async count(actor: Actor, filter: CronMatch = {}): Promise<number> {
    return this.ctx.repos.crons.count(actor.scope, await this.matchOf(filter));
  }

  /**
   * Changes a cron. A new schedule, zone or end time, or a paused cron enabled
   * again, counts from now: ticks missed meanwhile do not fire.
   */
  async update(actor: Actor, cronId: string, patch: CronPatchInput): Promise<CronView> {
    const current = await this.get(actor, cronId);
    const schedule = patch.schedule ?? current.schedule;
    const timezone = patch.timezone === undefined ? current.timezone : patch.timezone;
    const endTime = patch.endTime === undefined ? current.endTime : patch.endTime;
    const enabled = patch.enabled ?? current.enabled;
    if (patch.schedule !== undefined || patch.timezone !== undefined) checkSchedule({ expression: schedule, timezone }, this.rules);
    const payload = patch.payload ? this.checkPayload({ ...current.payload, ...patch.payload }) : undefined;
    const reschedule =
      patch.schedule !== undefined || patch.timezone !== undefined || patch.endTime !== undefined || (enabled && !current.enabled);
    const updated = await this.ctx.repos.crons.update(actor.scope, cronId, {
      schedule: patch.schedule?.trim(),
      timezone: patch.timezone,
      endTime: patch.endTime,
      enabled: patch.enabled,
      metadata: patch.metadata,
      payload: payload as JsonObject | undefined,
      nextRunAt: reschedule ? nextTick({ expression: schedule, timezone }, new Date(), endTime) : undefined,
    });
    if (!updated) throw new NotFoundError(`cron ${cronId} not found`);
    this.ticker.poke();
    return view(updated);
  }

  /** Pauses (false) or resumes (true) a cron; resumed, it fires at its next tick from now. */
  setEnabled(actor: Actor, cronId: string, enabled: boolean): Promise<CronView> {
    return this.update(actor, cronId, { enabled });
  }

  /**
   * Deletes the cron. The runs it created stay (their cron id is cleared); those of
   * its ticks that have not started yet never will: they are cancelled, recording
   * the cron's removal as the reason. Runs under way go on.
   */
  async delete(actor: Actor, cronId: string): Promise<void> {
    const { repos } = this.ctx;
    if (!(await repos.crons.get(actor.scope, cronId))) throw new NotFoundError(`cron ${cronId} not found`);
    const reason = stoppedBy("cron_removed", "interrupt", { cronId });
    for (const run of await repos.runs.select(ALL, { cronId, status: "pending" })) {
      await this.manager.cancel(ALL, run.id, { reason }).catch(this.ctx.logError);
    }
    if (!(await repos.crons.delete(actor.scope, cronId))) throw new NotFoundError(`cron ${cronId} not found`);
  }

  /** The filter with its assistant resolved: crons record the assistant, a graph id alone would match none. */
  private async matchOf<F extends CronMatch>(filter: F): Promise<F> {
    if (filter.assistantId === undefined) return filter;
    const assistant = await resolveAssistant(this.ctx.repos, filter.assistantId).catch(() => null);
    // an unknown assistant has no crons: an id no row has keeps the answer empty
    return { ...filter, assistantId: assistant?.id ?? `missing:${filter.assistantId}` };
  }

  private checkPayload(payload: CronRunPayload): CronRunPayload {
    if (payload.webhook) {
      const problem = webhookUrlProblem(payload.webhook, this.ctx.webhooks.policy);
      if (problem) throw new InvalidRequestError(`webhook ${problem}`, { field: "webhook" });
    }
    // stored as JSON: absent options are left out rather than stored as null
    return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)) as CronRunPayload;
  }
}
