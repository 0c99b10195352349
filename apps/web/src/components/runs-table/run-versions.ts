import type { RunRow, RunStatus } from "./filter-model.ts";

/** How far along its life a run is: a later version of a run is never further back. */
function stage(status: RunStatus): number {
  return status === "pending" ? 0 : status === "running" ? 1 : 2;
}

/**
 * The newer of two versions of one run (`b` may be missing). Versions written in the
 * same millisecond (a run admitted and started at once) tie on `updatedAt`: the one
 * further along its life wins, else the one already held (`b`).
 */
export function newerRun(a: RunRow, b: RunRow | undefined): RunRow {
  if (!b) return a;
  const byTime = b.updatedAt.getTime() - a.updatedAt.getTime();
  if (byTime !== 0) return byTime > 0 ? b : a;
  return stage(a.status) > stage(b.status) ? a : b;
}
