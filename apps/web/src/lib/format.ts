/** Small display helpers shared by the dashboard's pages. */

import { IN_FLIGHT_STATUSES } from "@lgrs/runtime/enums";

const IN_FLIGHT: ReadonlySet<string> = new Set(IN_FLIGHT_STATUSES);

export function formatTokens(n: number | null | undefined): string {
  return (n ?? 0).toLocaleString();
}

/** "1.2 s", "3 min 4 s"; null while unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** How long a run took, or has been running (until `now`). */
export function runDuration(run: { startedAt: Date | null; endedAt: Date | null }, now: number = Date.now()): number | null {
  if (!run.startedAt) return null;
  return (run.endedAt?.getTime() ?? now) - run.startedAt.getTime();
}

export function shortId(id: string): string {
  return id.slice(-8);
}

/** Statuses a run can still be cancelled or rolled back in. */
export function isInFlight(status: string): boolean {
  return IN_FLIGHT.has(status);
}

/** A time of day to the millisecond in the viewer's time zone: events of one run are milliseconds apart. */
export function formatClock(date: Date): string {
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}
