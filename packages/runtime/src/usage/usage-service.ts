import type { TokenTotals, UsageBreakdown, UsageBucket } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";

const DAY_MS = 86_400_000;
/** hour buckets over more than this many days would be thousands of points */
export const MAX_HOURLY_DAYS = 31;

export interface UsageSummaryQuery {
  from: Date;
  /** default: now */
  to?: Date;
  /** default: hour */
  bucket?: "hour" | "day";
  /** default: model */
  groupBy?: "model" | "caller";
}

export interface UsageTopQuery {
  by: "thread" | "assistant";
  from?: Date;
  to?: Date;
  /** default 10 */
  limit?: number;
}

/** The tokens LLM calls used, per run, per thread, over time, and the biggest spenders. */
export class UsageService {
  constructor(private readonly ctx: RuntimeContext) {}

  /** The run's tokens: total, by model and by caller. */
  async byRun(actor: Actor, runId: string): Promise<UsageBreakdown> {
    if (!(await this.ctx.repos.runs.get(actor.scope, runId))) throw new NotFoundError(`run ${runId} not found`);
    return this.ctx.repos.usage.byRun(actor.scope, runId);
  }

  /** The thread's tokens over all its runs: total, by model and by caller. */
  async byThread(actor: Actor, threadId: string): Promise<UsageBreakdown> {
    if (!(await this.ctx.repos.threads.get(actor.scope, threadId))) throw new NotFoundError(`thread ${threadId} not found`);
    return this.ctx.repos.usage.byThread(actor.scope, threadId);
  }

  /** Tokens over [from, to) in hour or day buckets (UTC), one series per model or per caller. */
  async summary(actor: Actor, query: UsageSummaryQuery): Promise<UsageBucket[]> {
    const to = query.to ?? new Date();
    const bucket = query.bucket ?? "hour";
    if (to <= query.from) throw new InvalidRequestError("to: must be after from");
    if (bucket === "hour" && to.getTime() - query.from.getTime() > MAX_HOURLY_DAYS * DAY_MS) {
      throw new InvalidRequestError(`bucket: hourly buckets cover at most ${MAX_HOURLY_DAYS} days; use "day"`);
    }
    return this.ctx.repos.usage.summary(actor.scope, { from: query.from, to, bucket, groupBy: query.groupBy ?? "model" });
  }

  /** The threads or assistants that used the most tokens in a window. */
  top(actor: Actor, query: UsageTopQuery): Promise<{ id: string; totals: TokenTotals }[]> {
    return this.ctx.repos.usage.top(actor.scope, query);
  }
}
