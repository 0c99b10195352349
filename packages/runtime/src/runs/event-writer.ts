import { EVENTS_PER_STATEMENT, type EventsRepository, type NewRunEvent } from "@lgrs/db";

interface Queued {
  runId: string;
  events: readonly NewRunEvent[];
  done: () => void;
  failed: (err: unknown) => void;
}

/**
 * Writes the events of every run this process executes, several runs per statement:
 * a group commit across runs. A write starts at once when none is under way; what
 * other runs publish meanwhile goes in the next one. While several runs execute here,
 * a write also holds until the event loop's next turn, so that their events of this
 * turn gather (on SQLite a write is synchronous: nothing could gather during it). A
 * lone run is not held: its events go out as they come, one loop turn each sooner.
 *
 * A failed shared write is tried again run by run, so one run's bad write (its run
 * deleted under it) fails that run's events alone. Fleet runs do not come here:
 * their writes are fenced by their lease, run by run (RunEventSink).
 */
export class RunEventWriter {
  private queue: Queued[] = [];
  private writing = false;

  constructor(
    private readonly events: EventsRepository,
    /** how many runs execute in this process now */
    private readonly executing: () => number,
  ) {}

  /** Resolves once the events are written; rejects with the database's error for them. */
  write(runId: string, events: readonly NewRunEvent[]): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ runId, events, done, failed });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        await this.writeBatch(this.takeBatch());
        // the rest of this turn's events gather for the next write
        if (this.executing() > 1) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.writing = false;
    }
  }

  /** Queued writes from the front, up to one statement's rows (a bigger single one alone). */
  private takeBatch(): Queued[] {
    let rows = 0;
    let count = 0;
    for (const queued of this.queue) {
      if (count > 0 && rows + queued.events.length > EVENTS_PER_STATEMENT) break;
      rows += queued.events.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    try {
      await this.events.appendMany(batch);
      for (const queued of batch) queued.done();
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.failed(err);
        return;
      }
      // nothing of the batch was written (one statement): each run's events on their own
      for (const queued of batch) {
        await this.events.append(queued.runId, queued.events).then(queued.done, queued.failed);
      }
    }
  }
}
