import { LeaseLostError, type EventsRepository, type Lease } from "@lgrs/db";
import type { StreamBridge } from "../bridge/index.ts";

const FLUSH_EVERY = 64;
const FLUSH_AFTER_MS = 250;

/**
 * One run's events: published on the stream bridge at once (which assigns each its
 * per-run id), and written to the run events table in batches, so the output can
 * be read and paged after a restart (a write per token would make the database the
 * bottleneck of streaming).
 */
export class RunEventSink {
  private batch: { seq: number; event: string; data: unknown; createdAt: Date }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly runId: string,
    private readonly live: StreamBridge,
    private readonly events: EventsRepository,
    private readonly onError: (err: unknown) => void,
    /** a fleet worker's claim: writes are made only while it holds */
    private readonly lease?: Lease,
  ) {}

  publish(event: string, data: unknown): void {
    const seq = this.live.publish(this.runId, event, data);
    this.batch.push({ seq, event, data, createdAt: new Date() });
    if (this.batch.length >= FLUSH_EVERY) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; resolves when every write so far is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length > 0) {
      this.writing = this.writing
        .then(() => this.events.append(this.runId, batch, this.lease).then(() => undefined))
        .catch((err) => {
          // the run is another worker's now: these events are in the shared log, and that worker saves them (StreamBridge.begin)
          if (!(err instanceof LeaseLostError)) this.onError(err);
        });
    }
    return this.writing;
  }
}
