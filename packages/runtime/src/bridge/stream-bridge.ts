/**
 * The stream bridge: every run's ordered event log, read by any number of
 * subscribers (SSE clients, tRPC subscriptions, the dashboard) from any event id.
 * This file is the contract; `memory-stream-bridge.ts` implements it for one
 * process, and a Redis implementation (many instances) will implement it too.
 *
 * Only the process executing a run publishes to its log, so that process can hand
 * out the ids itself (a Redis stream takes them as explicit ids `0-1`, `0-2`...):
 * that is why `publish` and `end` return at once instead of awaiting a store.
 */

/** What a subscriber reads, in order. */
export type BridgeItem =
  | { type: "event"; id: number; event: string; data: unknown }
  /** events `fromId`..`toId` (inclusive) are no longer kept; reading continues with `toId + 1` */
  | { type: "gap"; fromId: number; toId: number }
  /** the run's log is finished; nothing follows */
  | { type: "end"; status: string };

export interface SubscribeOptions {
  /**
   * The last id the subscriber already has: reading starts after it. Undefined, 0
   * or -1 read from the first event.
   */
  lastEventId?: number;
  /**
   * Stops the subscription at once, even while it waits for the next event (the
   * iteration then simply returns, without an end item). Prefer it to calling
   * `return()` on the iterator, which an async generator only honours after its
   * current wait.
   */
  signal?: AbortSignal;
}

export interface BridgeStats {
  /** logs held: open runs, and finished ones still inside their retention window */
  runs: number;
  /** events held over all logs */
  events: number;
  /** subscriptions being iterated */
  subscribers: number;
}

/**
 * No log is kept for this run here: never opened, freed after its retention
 * window, or executing in another process. The run's persisted events are the
 * fallback (RunManager.stream reads them once the run has finished).
 */
export class RunStreamNotFoundError extends Error {
  override name = "RunStreamNotFoundError";
  constructor(runId: string) {
    super(`no live stream for run ${runId} on this server`);
  }
}

/** An event the executing process published that may not be in the database yet. */
export interface PublishedEvent {
  id: number;
  event: string;
  data: unknown;
}

export interface StreamBridge {
  /**
   * True when every member of a fleet reads the same logs (Redis): a run in
   * flight can then be followed from any process, and a finished run is read from
   * the database. False for a bridge of one process (memory).
   */
  readonly shared: boolean;
  /**
   * Called by the process about to execute the run (a new attempt included),
   * before its first `publish`: ids continue after `afterId` (the database's last
   * event of the run) or after the log's own last id, whichever is higher. Resolves
   * with the events the log holds after `afterId`: published by an earlier attempt
   * whose process died before writing them to the database.
   */
  begin(runId: string, afterId: number): Promise<PublishedEvent[]>;
  /** Makes the run's log exist before its first event, so a queued run can be subscribed to. Idempotent. */
  open(runId: string): void;
  /**
   * Appends an event and returns its id: 1, 2, 3... per run. Opens the log if
   * needed. Never waits for subscribers. Throws once the run has ended, or once the
   * bridge is closed.
   */
  publish(runId: string, event: string, data: unknown): number;
  /**
   * Finishes the log (opening it if needed): subscribers read what is left, then an
   * end item with `status`. The log stays readable for a retention window and is
   * then freed. Ending an ended run changes nothing.
   */
  end(runId: string, status: string): void;
  /**
   * The run's events after `lastEventId`: the kept backlog, then live events, then
   * the end item, after which the iteration returns. Every subscriber gets every
   * event (shared `data`: treat it as read-only). Events no longer kept are reported
   * as one gap item. Nothing happens until the iteration starts; if no log is kept
   * for the run, the first `next()` rejects with RunStreamNotFoundError.
   */
  subscribe(runId: string, options?: SubscribeOptions): AsyncIterable<BridgeItem>;
  /** Whether a log is kept here for the run (open, or finished and not yet freed). */
  has(runId: string): boolean;
  /** The id of the run's latest event (0 before the first), or undefined when no log is kept. */
  lastId(runId: string): number | undefined;
  stats(): BridgeStats;
  /**
   * Shutdown: the readers of a log not ended drain what is kept, then their
   * iterations return without an end item (the run has not ended). Memory then
   * frees every log; shared closes this process's connections, and the logs stay
   * for the other members. Afterwards `open` and `publish` throw.
   */
  close(): Promise<void>;
}
