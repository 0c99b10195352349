import { ExpiryQueue } from "./expiry-queue.ts";
import {
  RunStreamNotFoundError,
  type PublishedEvent,
  type BridgeItem,
  type BridgeStats,
  type StreamBridge,
  type SubscribeOptions,
} from "./stream-bridge.ts";

export interface MemoryBridgeOptions {
  /** events kept per run (default 10,000); older ones are dropped and reported to late readers as a gap */
  maxEventsPerRun?: number;
  /** how long a finished run's log stays readable, in ms (default 60 s) */
  finishedRetentionMs?: number;
  /**
   * finished runs' logs kept at most (default 256), the oldest freed first. A kept log
   * only spares a late reader the database, which has every event: without a bound the
   * window held the last minute of runs, 2,400 at 40 runs/s, a few hundred MB.
   */
  maxFinishedRuns?: number;
}

interface StoredEvent {
  id: number;
  event: string;
  data: unknown;
}

/**
 * One run's log. Subscribers have no queues of their own: each reads this shared
 * log with its own cursor and, once caught up, waits to be woken by the next
 * append or finish. So publishing never waits for anyone, memory per run is
 * bounded by the ring whatever the readers do, a slow reader only falls behind
 * (into a gap), and nothing can fall between a reader's backlog and its live tail.
 */
class RunLog {
  // ids are consecutive, so event `id` lives at slot (id - 1) % capacity: dropping
  // the oldest event is overwriting it, with no copying and an exact bound
  private readonly ring: StoredEvent[] = [];
  private readonly waiters = new Set<() => void>();
  lastId = 0;
  status: string | undefined;
  /** the bridge closed before the run ended: readers drain what is here, then return without an end */
  closed = false;

  constructor(private readonly capacity: number) {}

  get firstKeptId(): number {
    return Math.max(1, this.lastId - this.capacity + 1);
  }

  get size(): number {
    return this.ring.length;
  }

  /** The kept event with this id (callers stay within firstKeptId..lastId). */
  at(id: number): StoredEvent {
    return this.ring[(id - 1) % this.capacity]!;
  }

  append(event: string, data: unknown): number {
    const id = ++this.lastId;
    this.ring[(id - 1) % this.capacity] = { id, event, data };
    this.wakeAll();
    return id;
  }

  finish(status: string): void {
    this.status = status;
    this.wakeAll();
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Calls `wake` at the next append or finish; the returned function calls it now instead (abort). */
  onNextChange(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => {
      this.waiters.delete(wake);
      wake();
    };
  }

  private wakeAll(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

export class MemoryStreamBridge implements StreamBridge {
  private readonly logs = new Map<string, RunLog>();
  /** finished logs, freed once their retention window has passed */
  private readonly finished: ExpiryQueue;
  private readonly maxEvents: number;
  private subscribers = 0;
  private closed = false;

  constructor(options: MemoryBridgeOptions = {}) {
    this.maxEvents = options.maxEventsPerRun ?? 10_000;
    this.finished = new ExpiryQueue(
      options.finishedRetentionMs ?? 60_000,
      (runId) => this.logs.delete(runId),
      options.maxFinishedRuns ?? 256,
    );
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < 1) throw new RangeError("maxEventsPerRun must be a positive integer");
  }

  readonly shared = false;

  async begin(runId: string, afterId: number): Promise<PublishedEvent[]> {
    const log = this.logOf(runId);
    const unsaved: PublishedEvent[] = [];
    for (let id = Math.max(afterId + 1, log.firstKeptId); id <= log.lastId; id++) unsaved.push(log.at(id));
    log.lastId = Math.max(log.lastId, afterId);
    return unsaved;
  }

  open(runId: string): void {
    this.logOf(runId);
  }

  publish(runId: string, event: string, data: unknown): number {
    const log = this.logOf(runId);
    if (log.status !== undefined) throw new Error(`run ${runId} has ended: no more events can be published`);
    return log.append(event, data);
  }

  end(runId: string, status: string): void {
    // close() has already ended every subscriber: a run stopping late has no one to tell
    if (this.closed) return;
    const log = this.logOf(runId);
    if (log.status !== undefined) return;
    log.finish(status);
    this.finished.add(runId);
  }

  subscribe(runId: string, options: SubscribeOptions = {}): AsyncIterable<BridgeItem> {
    return this.read(runId, options);
  }

  private async *read(runId: string, { lastEventId, signal }: SubscribeOptions): AsyncGenerator<BridgeItem> {
    const log = this.logs.get(runId);
    if (!log) throw new RunStreamNotFoundError(runId);
    let delivered = Math.max(lastEventId ?? 0, 0);
    let stopWaiting = () => {};
    const onAbort = () => stopWaiting();
    signal?.addEventListener("abort", onAbort, { once: true });
    this.subscribers++;
    try {
      while (!signal?.aborted) {
        const first = log.firstKeptId;
        if (delivered + 1 < first) {
          yield { type: "gap", fromId: delivered + 1, toId: first - 1 };
          delivered = first - 1;
        } else if (delivered < log.lastId) {
          const { id, event, data } = log.at(delivered + 1);
          delivered = id;
          yield { type: "event", id, event, data };
        } else if (log.status !== undefined) {
          yield { type: "end", status: log.status };
          return;
        } else if (log.closed) {
          return;
        } else {
          await new Promise<void>((resolve) => (stopWaiting = log.onNextChange(resolve)));
        }
      }
    } finally {
      this.subscribers--;
      signal?.removeEventListener("abort", onAbort);
    }
  }

  has(runId: string): boolean {
    return this.logs.has(runId);
  }

  lastId(runId: string): number | undefined {
    return this.logs.get(runId)?.lastId;
  }

  stats(): BridgeStats {
    let events = 0;
    for (const log of this.logs.values()) events += log.size;
    return { runs: this.logs.size, events, subscribers: this.subscribers };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.finished.clear();
    // a run not ended has not ended: its readers stop without an end item (the run
    // manager tells them why), as they do when a fleet member's shared bridge closes
    for (const log of this.logs.values()) {
      if (log.status === undefined) log.close();
    }
    this.logs.clear();
  }

  private logOf(runId: string): RunLog {
    // a log opened after close() would never be ended nor freed
    if (this.closed) throw new Error("the stream bridge is closed");
    let log = this.logs.get(runId);
    if (!log) this.logs.set(runId, (log = new RunLog(this.maxEvents)));
    return log;
  }
}
