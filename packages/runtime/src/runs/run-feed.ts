import { EventEmitter, on } from "node:events";
import type { Run } from "@lgrs/db";

/**
 * A live feed of runs created and of every status change, in this process: what
 * `join` waits on and what the dashboard's runs table will listen to.
 */
export class RunFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    // one listener per waiting caller or watching client: no fixed limit applies
    this.emitter.setMaxListeners(0);
  }

  emit(run: Run): void {
    this.emitter.emit("run", run);
  }

  /** Calls `listener` for every change until the returned function is called. */
  subscribe(listener: (run: Run) => void): () => void {
    this.emitter.on("run", listener);
    return () => this.emitter.off("run", listener);
  }

  /**
   * Every change from this call until `signal` aborts, buffered so a slow
   * reader misses none. Listening starts at the call, not at the first read.
   */
  watch(signal: AbortSignal | undefined): AsyncIterable<Run> {
    const changes = on(this.emitter, "run", { signal });
    return (async function* () {
      try {
        for await (const [run] of changes) yield run as Run;
      } catch (err) {
        if ((err as Error).name !== "AbortError") throw err;
      }
    })();
  }

  get listenerCount(): number {
    return this.emitter.listenerCount("run");
  }
}
