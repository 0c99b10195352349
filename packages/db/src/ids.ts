import { v7 as uuidv7 } from "uuid";

/**
 * A new row id: UUID v7, time-ordered and monotonic within the process, so rows
 * created in the same millisecond still sort in creation order. Lists order by
 * (createdAt, id), and a thread's queued runs must come out first-in first-out.
 */
export function newId(): string {
  return uuidv7();
}
