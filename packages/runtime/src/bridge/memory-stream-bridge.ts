import { RunStreamNotFoundError, type BridgeItem, type BridgeStats, type StreamBridge, type SubscribeOptions } from "./stream-bridge.ts";

export interface MemoryBridgeOptions {
  /** events kept per run; older ones are dropped and reported to late readers as a gap */
  maxEventsPerRun?: number;
  /** how long a finished run's log stays readable */
  finishedRetentionMs?: number;
}

interface StoredEvent {
  id: number;
  event: string;
  data: unknown;
}

/**
 * One run's log. Subscribers do not get queues of their own: each reads the shared
 * array with its own cursor and, when it has caught up, awaits `changed`, a single
 * promise resolved by the next publish or end. So publishing never waits for
 * anyone, a slow reader only falls behind (into a gap, past retention), and a
 * reader cannot miss an event between the backlog and the live tail.
 */
class RunLog {
  events: StoredEvent[] = [];
  nextId = 1;
  status: string | undefined;
  subscribers = 0;
  freeTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private changedPromise: Promise<void> | undefined;

  get firstKeptId(): number {
    return this.events[0]?.id ?? this.nextId;
  }

  changed(): Promise<void> {
    this.changedPromise ??= new Promise<void>((resolve) => (this.wake = resolve));
    return this.changedPromise;
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.changedPromise = undefined;
    wake?.();
  }
}

export class MemoryStreamBridge implements StreamBridge {
  private readonly logs = new Map<string, RunLog>();
  private readonly maxEvents: number;
  private readonly retentionMs: number;

  constructor(options: MemoryBridgeOptions = {}) {
    this.maxEvents = options.maxEventsPerRun ?? 10_000;
    this.retentionMs = options.finishedRetentionMs ?? 60_000;
  }

  open(runId: string): void {
    if (!this.logs.has(runId)) this.logs.set(runId, new RunLog());
  }

  publish(runId: string, event: string, data: unknown): number {
    this.open(runId);
    const log = this.logs.get(runId)!;
    if (log.status !== undefined) throw new Error(`run ${runId} has ended: no more events can be published`);
    const id = log.nextId++;
    log.events.push({ id, event, data });
    // trim in chunks so dropping old events stays cheap per publish
    if (log.events.length > this.maxEvents + Math.ceil(this.maxEvents / 8)) {
      log.events.splice(0, log.events.length - this.maxEvents);
    }
    log.notify();
    return id;
  }

  end(runId: string, status: string): void {
    this.open(runId);
    const log = this.logs.get(runId)!;
    if (log.status !== undefined) return;
    log.status = status;
    log.notify();
    log.freeTimer = setTimeout(() => this.logs.delete(runId), this.retentionMs);
    log.freeTimer.unref();
  }

  subscribe(runId: string, options: SubscribeOptions = {}): AsyncIterable<BridgeItem> {
    const log = this.logs.get(runId);
    if (!log) throw new RunStreamNotFoundError(runId);
    return this.read(log, options);
  }

  private async *read(log: RunLog, { lastEventId, signal }: SubscribeOptions): AsyncGenerator<BridgeItem> {
    let cursor = Math.max(lastEventId ?? 0, 0); // the last id delivered
    let onAbort = () => {};
    const aborted = new Promise<"aborted">((resolve) => (onAbort = () => resolve("aborted")));
    signal?.addEventListener("abort", onAbort, { once: true });
    log.subscribers++;
    try {
      while (!signal?.aborted) {
        const first = log.firstKeptId;
        if (cursor + 1 < first) {
          yield { type: "gap", fromId: cursor + 1, toId: first - 1 };
          cursor = first - 1;
          continue;
        }
        const next = log.events[cursor + 1 - first];
        if (next) {
          cursor = next.id;
          yield { type: "event", id: next.id, event: next.event, data: next.data };
          continue;
        }
        if (log.status !== undefined) {
          yield { type: "end", status: log.status };
          return;
        }
        if ((await Promise.race([log.changed(), aborted])) === "aborted") return;
      }
    } finally {
      log.subscribers--;
      signal?.removeEventListener("abort", onAbort);
    }
  }

  has(runId: string): boolean {
    return this.logs.has(runId);
  }

  lastId(runId: string): number | undefined {
    const log = this.logs.get(runId);
    return log ? log.nextId - 1 : undefined;
  }

  stats(): BridgeStats {
    let events = 0;
    let subscribers = 0;
    for (const log of this.logs.values()) {
      events += log.events.length;
      subscribers += log.subscribers;
    }
    return { runs: this.logs.size, events, subscribers };
  }

  close(): void {
    for (const [runId, log] of this.logs) {
      if (log.status === undefined) this.end(runId, "interrupted");
      clearTimeout(log.freeTimer);
    }
    this.logs.clear();
  }
}
