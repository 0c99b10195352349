import type { Feedback, FeedbackSummaryRow, Page } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { resolveAssistant } from "../assistants/defaults.ts";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import type { RuntimeContext } from "../runs/context.ts";

export interface NewFeedback {
  runId: string;
  key: string;
  score: number;
  value?: unknown;
  comment?: string | null;
}

export interface FeedbackListFilter {
  /** exactly one of runId and threadId */
  runId?: string;
  threadId?: string;
  cursor?: string | null;
  limit?: number;
}

export interface FeedbackSummaryFilter {
  /** an assistant id, or a graph id standing for its default assistant */
  assistantId?: string;
  /** [from, to) */
  from?: Date;
  to?: Date;
}

/** Scores people give runs (one per caller, run and key), and their summaries. */
export class FeedbackService {
  constructor(private readonly ctx: RuntimeContext) {}

  /** Records the caller's feedback on a run; giving the same key again replaces it. */
  async create(actor: Actor, input: NewFeedback): Promise<Feedback> {
    const row = await this.ctx.repos.feedback.upsert(actor.scope, { ...input, ownerId: actor.userId });
    if (!row) throw new NotFoundError(`run ${input.runId} not found`);
    return row;
  }

  /** A run's or a thread's feedback, newest first. */
  async list(actor: Actor, filter: FeedbackListFilter): Promise<Page<Feedback>> {
    const { repos } = this.ctx;
    if ((filter.runId === undefined) === (filter.threadId === undefined)) {
      throw new InvalidRequestError("runId: give exactly one of runId and threadId");
    }
    const parent = filter.runId ? await repos.runs.get(actor.scope, filter.runId) : await repos.threads.get(actor.scope, filter.threadId!);
    if (!parent) throw new NotFoundError(filter.runId ? `run ${filter.runId} not found` : `thread ${filter.threadId} not found`);
    return repos.feedback.list(actor.scope, filter);
  }

  async delete(actor: Actor, feedbackId: string): Promise<void> {
    if (!(await this.ctx.repos.feedback.delete(actor.scope, feedbackId))) throw new NotFoundError(`feedback ${feedbackId} not found`);
  }

  /** Count and mean score per key, over one assistant's runs and a time window when given. */
  async summary(actor: Actor, filter: FeedbackSummaryFilter = {}): Promise<FeedbackSummaryRow[]> {
    // runs record the resolved assistant id: a graph id alone would match none of them
    const assistantId = filter.assistantId === undefined ? undefined : (await resolveAssistant(this.ctx.repos, filter.assistantId)).id;
    return this.ctx.repos.feedback.summary(actor.scope, { ...filter, assistantId });
  }
}
