import { EventEmitter } from "node:events";
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

  get listenerCount(): number {
    return this.emitter.listenerCount("run");
  }
}
