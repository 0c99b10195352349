import { LeaseLostError, type EventsRepository, type Lease } from "@lgrs/db";
import type { StreamBridge } from "../bridge/index.ts";
import type { RunEventWriter } from "./event-writer.ts";

interface PendingEvent {
  seq: number;
  event: string;
  data: unknown;
  createdAt: Date;
}

/**
 * One run's events: written to the run events table first, then published on the
 * stream bridge, so no reader ever sees an event a crash could lose (a client
 * that resumes after a restart gets every event it had, from the database).
 *
 * Writes are group commits: while one batch is being written, new events gather,
 * and all of them go in the next write as soon as it ends. An idle run's event
 * waits for one insert; a fast stream is written in batches as large as the
 * database is slow, never one write per token. The writes of the runs this process
 * alone executes go through the shared RunEventWriter, which puts several runs'
 * batches in one statement; a fleet worker's go alone, fenced by its lease.
 */
export class RunEventSink {
  private pending: PendingEvent[] = [];
  private writing: Promise<void> | undefined;
  /** the last id handed out */
  private lastSeq: number;

  constructor(
    private readonly runId: string,
    private readonly live: StreamBridge,
    private readonly events: EventsRepository,
    private readonly writer: RunEventWriter,
    private readonly onError: (err: unknown) => void,
    /** a fleet worker's claim: writes are made only while it holds */
    private readonly lease?: Lease,
  ) {
    // after StreamBridge.begin: ids go on from the log's last one
    this.lastSeq = live.lastId(runId) ?? 0;
  }

  publish(event: string, data: unknown): void {
    this.pending.push({ seq: ++this.lastSeq, event, data, createdAt: new Date() });
    this.writing ??= this.writeAll();
  }

  /** Resolves once every event published so far is written and published. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await (this.lease ? this.events.append(this.runId, batch, this.lease) : this.writer.write(this.runId, batch));
        } catch (err) {
          // the run is another worker's now: it publishes from here on, these never reached a reader
          if (err instanceof LeaseLostError) return;
          // the database failed: readers still get the events live (a later replay will lack them)
          this.onError(err);
        }
        for (const e of batch) {
          try {
            const id = this.live.publish(this.runId, e.event, e.data);
            if (id !== e.seq) this.onError(new Error(`run ${this.runId}: event ${e.seq} was published as ${id}`));
          } catch (err) {
            // the log has ended (a shutdown closed the bridge): the event is saved, a replay has it
            this.onError(err);
          }
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
