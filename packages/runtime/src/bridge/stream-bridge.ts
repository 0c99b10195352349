/**
 * The stream bridge: every run's ordered event log, read by any number of
 * subscribers (SSE clients, tRPC subscriptions, the dashboard) from any event id.
 * This file is the contract; `memory-stream-bridge.ts` implements it for one
 * process, and a Redis implementation (many instances) will implement it too.
 */

/** What a subscriber reads, in order. */
export type BridgeItem =
  | { type: "event"; id: number; event: string; data: unknown }
  /** events `fromId`..`toId` are no longer kept (retention); reading continues after them */
  | { type: "gap"; fromId: number; toId: number }
  /** the run's log is finished; nothing follows */
  | { type: "end"; status: string };

export interface SubscribeOptions {
  /** the last id the subscriber already has: reading starts after it (default: from the first event) */
  lastEventId?: number;
  /** stops the subscription (the iteration then simply returns) */
  signal?: AbortSignal;
}

export interface BridgeStats {
  runs: number;
  events: number;
  subscribers: number;
}

/** No log is kept for this run here: unknown, freed after its retention window, or owned by another process. */
export class RunStreamNotFoundError extends Error {
  override name = "RunStreamNotFoundError";
  constructor(runId: string) {
    super(`no live stream for run ${runId} on this server`);
  }
}

export interface StreamBridge {
  /** Makes the run's log exist before its first event (a queued run can be subscribed to). */
  open(runId: string): void;
  /** Appends an event and returns its id: 1, 2, 3... per run. Never waits for subscribers. */
  publish(runId: string, event: string, data: unknown): number;
  /** Finishes the log: subscribers read what is left, then an end item. */
  end(runId: string, status: string): void;
  /**
   * The run's events after `lastEventId`: the kept backlog, then live events,
   * then the end item. Every subscriber gets every event. Throws
   * RunStreamNotFoundError when no log is kept for the run.
   */
  subscribe(runId: string, options?: SubscribeOptions): AsyncIterable<BridgeItem>;
  has(runId: string): boolean;
  lastId(runId: string): number | undefined;
  stats(): BridgeStats;
  /** Ends every log and frees everything (shutdown). */
  close(): void;
}
