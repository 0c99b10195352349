import { afterCreatedCursor } from "./pagination.ts";

/**
 * Whose rows a call may see. A caller with an `ownerId` sees only its own rows,
 * and another owner's row is treated exactly like a missing one; `{ all: true }`
 * (the admin role, or the server itself) sees every row.
 */
export type Scope = { ownerId: string } | { all: true };

export const ALL: Scope = { all: true };

export function ownedBy(scope: Scope): { ownerId?: string } {
  return "ownerId" in scope ? { ownerId: scope.ownerId } : {};
}

/** The `where` of a list over one run's or one thread's rows (feedback, usage), continued after `cursor`. */
export function ownedRunOrThread(scope: Scope, filter: { runId?: string; threadId?: string; cursor?: string | null }) {
  return {
    ...ownedBy(scope),
    ...(filter.runId ? { runId: filter.runId } : {}),
    ...(filter.threadId ? { threadId: filter.threadId } : {}),
    ...afterCreatedCursor(filter.cursor),
  };
}
