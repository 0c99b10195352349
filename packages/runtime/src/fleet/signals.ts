import type { CancelAction } from "../enums.ts";

/**
 * What the members of a fleet tell each other at once (Redis pub/sub). Each is
 * also written durably in PostgreSQL (the pending run, the cancel request on the
 * run row), so a missed message delays work until the next safety sweep but
 * never loses it.
 */
export interface FleetSignals {
  /**
   * A run may have become claimable (created, its thread freed, a lease swept or
   * released): wakes the other members, not this one (it looks at the queue itself).
   * Never throws nor waits.
   */
  wake(): void;
  onWake(listener: () => void): () => void;
  /** Asks the member executing `runId` to stop it. Never throws nor waits. */
  cancel(runId: string, action: CancelAction): void;
  onCancel(listener: (runId: string, action: CancelAction) => void): () => void;
  /** After a lost connection came back: messages may have been missed, so listeners look again. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}
