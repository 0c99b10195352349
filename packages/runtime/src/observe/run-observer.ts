import type { Run } from "@lgrs/db";

/** Token counts of one finished LLM call. */
export interface TokenCall {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * What the process embedding the runtime learns about runs, at their lifecycle
 * points only (never per event): it logs and counts them. Every method is called
 * synchronously and must not throw or block; the runtime knows nothing of how the
 * answers are written (logs, metrics), so it stays free of any logging or metrics library.
 */
export interface RunObserver {
  /** admitted and queued (pending) */
  queued(run: Run): void;
  /** started executing in this process (running); `waitMs`: how long it waited to start, null for a resumed attempt */
  started(run: Run, waitMs: number | null): void;
  /** its first graph event was published, `ms` after it was created */
  firstEvent(run: Run, ms: number): void;
  /** it ended (final status), after executing here for `durationMs`, or without starting (null) */
  ended(run: Run, durationMs: number | null): void;
  /** one LLM call of a run finished */
  tokens(call: TokenCall): void;
  /** a reader started (+1) or stopped (-1) following a run's live events here */
  subscribers(delta: 1 | -1): void;
}

const nothing = () => {};

/** The default: nothing is observed. */
export const NO_OBSERVER: RunObserver = {
  queued: nothing,
  started: nothing,
  firstEvent: nothing,
  ended: nothing,
  tokens: nothing,
  subscribers: nothing,
};
