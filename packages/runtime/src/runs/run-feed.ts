import { EventEmitter, on } from "node:events";
import type { Run } from "@lgrs/db";

/**
 * A live feed of runs created and of every status change: what `join` waits on
 * and what the dashboard's runs table (`runs.watch`) listens to. In one process
 * it is an in-memory emitter (MemoryRunFeed); in a fleet it is carried by Redis
 * pub/sub, so every member sees every member's runs.
 */
export interface RunFeed {
  /** Tells every listener (of every member, in a fleet) about the run as it is now. Never throws nor waits. */
  emit(run: Run): void;
  /** Calls `listener` for every change until the returned function is called. */
  subscribe(listener: (run: Run) => void): () => void;
  /**
   * Every change from this call until `signal` aborts, buffered so a slow
   * reader misses none. Listening starts at the call, not at the first read.
   */
  watch(signal: AbortSignal | undefined): AsyncIterable<Run>;
  /** Listeners in this process. */
  readonly listenerCount: number;
  /** Stops delivering (shutdown). */
  close(): Promise<void>;
}

/** The feed of one process; a fleet's feed builds on it for delivery to this process's listeners. */
export class MemoryRunFeed implements RunFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // one listener per waiting caller or watching client: no fixed limit applies
    this.emitter.setMaxListeners(0);
  }

  emit(run: Run): void {
    this.deliver(run);
  }

  /** Tells this process's listeners. */
  protected deliver(run: Run): void {
    this.emitter.emit("run", run);
  }

  subscribe(listener: (run: Run) => void): () => void {
    this.emitter.on("run", listener);
    return () => this.emitter.off("run", listener);
  }

  watch(signal: AbortSignal | undefined): AsyncIterable<Run> {
    return watchEmitter(this.emitter, "run", signal);
  }

  get listenerCount(): number {
    return this.emitter.listenerCount("run");
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** An emitter's `event` payloads as an async iterable, listening from the call until `signal` aborts. */
export function watchEmitter(emitter: EventEmitter, event: string, signal: AbortSignal | undefined): AsyncIterable<Run> {
  const changes = on(emitter, event, { signal });
  return (async function* () {
    try {
      for await (const [run] of changes) yield run as Run;
    } catch (err) {
      if ((err as Error).name !== "AbortError") throw err;
    }
  })();
}
