import type { Redis } from "ioredis";
import type { BridgeItem, BridgeStats, PublishedEvent, StreamBridge, SubscribeOptions } from "../bridge/stream-bridge.ts";
import { ExpiryQueue } from "../bridge/expiry-queue.ts";
import { jsonText, parseJsonText } from "@lgrs/db";
import type { RedisConnection } from "./redis.ts";

/** What `endedStatus` may tell about a finished run: with the id of its last saved event, lost events become a gap. */
export interface EndedRun {
  status: string;
  /** the run's last event id in the database */
  lastEventId: number;
}

export interface RedisBridgeOptions {
  /**
   * The status of the run if it has ended (the database knows), else undefined.
   * Asked when a read waited `blockMs` for nothing or its connection failed: the
   * end entry may have been lost with a Redis restart, and a reader must not wait
   * forever for it. Returning the last saved event id as well lets a reader
   * report events Redis lost as a gap (which the run manager fills from the
   * database) instead of skipping them.
   */
  endedStatus(runId: string): Promise<string | EndedRun | undefined>;
  /** entries kept per run (XADD MAXLEN ~, default 10,000); older ones are trimmed and read as a gap */
  maxEventsPerRun?: number;
  /** how long a finished run's stream stays readable, in ms (default 60 s) */
  finishedRetentionMs?: number;
  /** longest wait of one blocking read before the run's status is looked at (default 5000 ms) */
  blockMs?: number;
  logError?: (err: unknown) => void;
}

type Entry = [id: string, fields: string[]];

// Event N is entry `0-N`; the end is `1-0`, above every event, so one read from
// `0-<delivered>` returns the events left and then the end. Writing the end twice
// fails in Redis ("equal or smaller than the top item"): harmless by design.
const END_ID = "1-0";
const LAST_EVENT_ID = "0-18446744073709551615";
const READ_COUNT = 500;

function seqOf(id: string): number | undefined {
  return id.startsWith("0-") ? Number(id.slice(2)) : undefined;
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function eventOf(id: number, fields: string[]): PublishedEvent {
  const data = field(fields, "d");
  return { id, event: field(fields, "e") ?? "", data: data === undefined ? undefined : parseJsonText(data) };
}

const isDuplicateEnd = (err: Error) => err.message.includes("equal or smaller");

/**
 * The stream bridge of a fleet: each run's log is a Redis Stream every member
 * reads, so a client can follow a run from any instance and resume on another.
 * Only the executing process publishes, so it numbers the events itself and
 * writes without waiting: the database has every event anyway, and a reader
 * that finds ids missing (trimmed, lost in a restart) reports them as a gap.
 */
export class RedisStreamBridge implements StreamBridge {
  readonly shared = true;
  private readonly maxEvents: number;
  private readonly retentionMs: number;
  private readonly blockMs: number;
  private readonly logError: (err: unknown) => void;
  /** the last id handed out, for the runs this process publishes */
  private readonly counters = new Map<string, number>();
  /** runs this process ended, refused further events during the retention window */
  private readonly endedHere: ExpiryQueue;
  /** stops every reader at close() */
  private readonly readers = new Set<() => void>();
  private subscribers = 0;
  private closed = false;
  private writesFailing = false;

  constructor(
    private readonly conn: RedisConnection,
    private readonly options: RedisBridgeOptions,
  ) {
    this.maxEvents = options.maxEventsPerRun ?? 10_000;
    this.retentionMs = options.finishedRetentionMs ?? 60_000;
    this.endedHere = new ExpiryQueue(this.retentionMs, () => {});
    this.blockMs = options.blockMs ?? 5000;
    this.logError = options.logError ?? ((err) => console.error("stream bridge:", err));
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < 1) throw new RangeError("maxEventsPerRun must be a positive integer");
  }

  /** Rejects when Redis cannot be reached (after the client's retries): ids could otherwise collide with an earlier attempt's. */
  async begin(runId: string, afterId: number): Promise<PublishedEvent[]> {
    this.assertOpen();
    const key = this.keyOf(runId);
    const [latest] = await this.conn.client.xrevrange(key, LAST_EVENT_ID, "-", "COUNT", 1);
    const lastInLog = latest ? (seqOf(latest[0]) ?? 0) : 0;
    const unsaved = lastInLog > afterId ? await this.conn.client.xrange(key, `(0-${afterId}`, LAST_EVENT_ID) : [];
    this.counters.set(runId, Math.max(afterId, lastInLog, this.counters.get(runId) ?? 0));
    this.endedHere.delete(runId);
    return unsaved.map(([id, fields]) => eventOf(seqOf(id)!, fields));
  }

  open(_runId: string): void {
    // a stream exists from its first entry; a reader of a run not started yet simply waits
    this.assertOpen();
  }

  publish(runId: string, event: string, data: unknown): number {
    this.assertOpen();
    if (this.endedHere.has(runId)) throw new Error(`run ${runId} has ended: no more events can be published`);
    const id = (this.counters.get(runId) ?? 0) + 1;
    this.counters.set(runId, id);
    let fields: string[];
    try {
      fields = data === undefined ? ["e", event] : ["e", event, "d", jsonText(data)];
    } catch (err) {
      // the id stays used: readers see a gap and take the event from the database
      this.writeFailed(err);
      return id;
    }
    this.conn.client
      .xadd(this.keyOf(runId), "MAXLEN", "~", this.maxEvents, `0-${id}`, ...fields)
      .then(this.writeSucceeded, this.writeFailed);
    return id;
  }

  end(runId: string, status: string): void {
    if (this.closed || this.endedHere.has(runId)) return;
    const last = this.counters.get(runId);
    this.counters.delete(runId);
    this.endedHere.add(runId);
    // the last id lets a reader that missed events (Redis restarted) report them as a gap
    const fields = last === undefined ? ["end", status] : ["end", status, "n", String(last)];
    const key = this.keyOf(runId);
    this.conn.client
      .pipeline()
      .xadd(key, END_ID, ...fields)
      .pexpire(key, this.retentionMs)
      .exec()
      .then((results) => {
        for (const [err] of results ?? []) if (err && !isDuplicateEnd(err)) return this.writeFailed(err);
        this.writeSucceeded();
      }, this.writeFailed);
  }

  subscribe(runId: string, options: SubscribeOptions = {}): AsyncIterable<BridgeItem> {
    return this.read(runId, options);
  }

  private async *read(runId: string, { lastEventId, signal }: SubscribeOptions): AsyncGenerator<BridgeItem> {
    if (this.closed || signal?.aborted) return;
    const key = this.keyOf(runId);
    const reader = this.conn.blocking();
    // disconnecting makes the pending XREAD fail at once: abort never waits for blockMs
    const stop = () => reader.disconnect();
    const stopped = () => this.closed || signal?.aborted === true;
    this.readers.add(stop);
    signal?.addEventListener("abort", stop, { once: true });
    this.subscribers++;
    let delivered = Math.max(lastEventId ?? 0, 0);
    // set once the database says the run has ended: what is left is read without waiting
    let ending: EndedRun | undefined;
    try {
      while (!stopped()) {
        let entries: Entry[] | null;
        try {
          entries = await readAfter(reader, key, delivered, ending ? undefined : this.blockMs);
        } catch {
          // closed for good (the connection was closed under us): nothing more can come
          if (stopped() || reader.status === "end") return;
          // the connection failed: events or the end may have passed unseen, so look at the run
          if (!ending) await untilReady(reader, this.blockMs);
          entries = null;
        }
        if (stopped()) return;
        if (!entries?.length) {
          if (ending) {
            // Redis has nothing more (or is down): what it lost comes from the database as a gap
            if (ending.lastEventId > delivered) yield { type: "gap", fromId: delivered + 1, toId: ending.lastEventId };
            yield { type: "end", status: ending.status };
            return;
          }
          // nothing came for blockMs: has the run ended without its end entry reaching us?
          ending = await this.endedOf(runId);
          continue;
        }
        for (const [id, fields] of entries) {
          if (id === END_ID) {
            const last = Number(field(fields, "n") ?? 0);
            if (last > delivered) yield { type: "gap", fromId: delivered + 1, toId: last };
            yield { type: "end", status: field(fields, "end") ?? "" };
            return;
          }
          const seq = seqOf(id);
          if (seq === undefined || seq <= delivered) continue;
          if (seq > delivered + 1) yield { type: "gap", fromId: delivered + 1, toId: seq - 1 };
          delivered = seq;
          yield { type: "event", ...eventOf(seq, fields) };
        }
      }
    } finally {
      this.subscribers--;
      this.readers.delete(stop);
      signal?.removeEventListener("abort", stop);
      reader.disconnect();
    }
  }

  has(_runId: string): boolean {
    // logs live in Redis, never here: the run manager reads finished runs from the database
    return false;
  }

  lastId(runId: string): number | undefined {
    return this.counters.get(runId);
  }

  stats(): BridgeStats {
    return { runs: this.counters.size, events: 0, subscribers: this.subscribers };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.readers) stop();
    this.endedHere.clear();
    this.counters.clear();
  }

  private keyOf(runId: string): string {
    return `${this.conn.prefix}run:${runId}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the stream bridge is closed");
  }

  /** endedStatus, normalised; a failing lookup counts as "not ended" (asked again after the next wait). */
  private async endedOf(runId: string): Promise<EndedRun | undefined> {
    try {
      const ended = await this.options.endedStatus(runId);
      return typeof ended === "string" ? { status: ended, lastEventId: 0 } : ended;
    } catch (err) {
      this.logError(err);
      return undefined;
    }
  }

  // one line per outage, not one per event
  private readonly writeFailed = (err: unknown): void => {
    if (this.writesFailing) return;
    this.writesFailing = true;
    const reason = err instanceof Error ? err.message : String(err);
    this.logError(new Error(`stream bridge: writing to Redis failed (${reason}); readers will take the missing events from the database`));
  };

  private readonly writeSucceeded = (): void => {
    this.writesFailing = false;
  };
}

/** Entries after event `afterId` (events, then the end entry), waiting up to `blockMs` when given; null when none came. */
async function readAfter(reader: Redis, key: string, afterId: number, blockMs: number | undefined): Promise<Entry[] | null> {
  const reply =
    blockMs === undefined
      ? await reader.xread("COUNT", READ_COUNT, "STREAMS", key, `0-${afterId}`)
      : await reader.xread("COUNT", READ_COUNT, "BLOCK", blockMs, "STREAMS", key, `0-${afterId}`);
  return reply?.[0]?.[1] ?? null;
}

/** Resolves when the connection is ready again, or after `ms`, or when it is closed for good. */
function untilReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("end", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once("ready", done);
    redis.once("end", done);
  });
}
