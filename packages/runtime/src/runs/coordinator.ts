import type { Lease, Run, Sweep } from "@lgrs/db";
import type { CancelAction } from "../enums.ts";

/** A run this process is to execute now, with its lease when a fleet's queue handed it out. */
export interface Assignment {
  runId: string;
  /** the run as claimed (a fleet claim reads it) or as admitted (queued here); absent, the executor reads it */
  run?: Run;
  lease?: Lease;
}

/** Why a run executing here must stop: a cancel, or its lease is gone and it must write nothing more. */
export type StopReason = CancelAction | "lost";

/** What a coordinator drives in the run manager. */
export interface ExecutionHost {
  /** Starts executing the run here (the coordinator has counted it against its capacity). */
  execute(assignment: Assignment): void;
  /** Stops a run executing here; false when it is not executing here. */
  stop(runId: string, reason: StopReason): boolean;
  /** The leases of the runs executing here (a fleet's heartbeat renews them). */
  leases(): Lease[];
  /** Records what a sweep of expired leases decided: ends for the failed and cancelled runs, news of the requeued. */
  swept(sweep: Sweep): Promise<void>;
}

/**
 * Decides which admitted run executes where and when. One process
 * (LocalCoordinator): an in-memory scheduler. A fleet (FleetCoordinator):
 * PostgreSQL is the queue, workers claim runs with leases, Redis wakes them and
 * carries cancels to the member executing the run. The run manager is written
 * against this, the same in both.
 */
export interface RunCoordinator {
  /** True when runs may execute in other processes (a fleet). */
  readonly shared: boolean;
  /** A run was admitted (pending in the database): it starts when capacity and its thread allow. */
  enqueue(run: Run): void;
  /** A pending run is being cancelled: it must not start from here. */
  dequeue(runId: string): void;
  /** A thread may have become free for its next run (a pending run of it was cancelled). */
  wake(): void;
  /**
   * Asks the member executing the run to stop it (the request is also kept on the
   * run row). False when the run is not running anywhere, or no other process can
   * be asked (one process).
   */
  cancelElsewhere(runId: string, action: CancelAction): Promise<boolean>;
  /** A run executing here has ended: its capacity and its thread are free. */
  finished(runId: string): void;
  /** Connects the run manager that executes what this hands out (once, when the manager is made). */
  attach(host: ExecutionHost): void;
  /** Starts taking runs (a fleet first sweeps expired leases). One process executes what it admits from the start. */
  start(): Promise<void>;
  /** Stops taking runs (shutdown); runs executing here go on. */
  pause(): void;
  /** Hands a run executing here back to the queue for another worker; false when that is not possible. */
  release(lease: Lease): Promise<boolean>;
  close(): Promise<void>;
}
