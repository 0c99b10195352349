import type { Scope } from "@lgrs/db";

/**
 * Who a service call is made for. `userId` owns what the call creates; `scope`
 * is what it may see and change: its own rows, or every row (an admin, or the
 * server itself). A row outside the scope reads exactly like a missing one.
 * The API doors pass their authenticated caller, which has this shape.
 */
export interface Actor {
  userId: string;
  scope: Scope;
  /** who they are and how they proved it: recorded when they stop a run */
  email?: string;
  via?: "api-key" | "session";
  apiKey?: { id: string; name: string | null };
}
