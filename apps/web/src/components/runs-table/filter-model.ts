import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";
import { RUN_STATUSES } from "@lgrs/runtime/enums";

/** One run as the API returns it (Dates are Dates: superjson). */
export type RunRow = inferRouterOutputs<AppRouter>["runs"]["list"]["items"][number];
export type RunStatus = RunRow["status"];
/** One assistant as `assistants.list` returns it: the filter offers them, the rows name them. */
export type AssistantRow = inferRouterOutputs<AppRouter>["assistants"]["list"]["items"][number];
type ListInput = NonNullable<inferRouterInputs<AppRouter>["runs"]["list"]>;

/** The status filter's choices, in the data model's order. */
export const STATUSES: readonly RunStatus[] = RUN_STATUSES;

export const TIME_WINDOWS = [
  { value: "all", label: "Any time", ms: null },
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
] as const;
export type TimeWindow = (typeof TIME_WINDOWS)[number]["value"];

/** What the operator chose; `since` is fixed when the time window is picked, so the list query stays the same query. */
export interface RunFilters {
  status: RunStatus | "all";
  assistantId: string | "all";
  time: TimeWindow;
  since: Date | null;
}

export const NO_FILTERS: RunFilters = { status: "all", assistantId: "all", time: "all", since: null };

export function isFiltered(f: RunFilters): boolean {
  return f.status !== "all" || f.assistantId !== "all" || f.time !== "all";
}

/** The start of a time window, counted from now. */
export function sinceFor(time: TimeWindow, now: number = Date.now()): Date | null {
  const ms = TIME_WINDOWS.find((w) => w.value === time)?.ms ?? null;
  return ms === null ? null : new Date(now - ms);
}

/** The `runs.list` input for these filters (without the cursor, which the infinite query adds). */
export function listInput(f: RunFilters, limit: number): Omit<ListInput, "cursor"> {
  return {
    limit,
    ...(f.status !== "all" ? { status: f.status } : {}),
    ...(f.assistantId !== "all" ? { assistantId: f.assistantId } : {}),
    ...(f.since ? { createdAfter: f.since } : {}),
  };
}

/** The same filters applied to a run that arrived live. */
export function matches(run: RunRow, f: RunFilters): boolean {
  if (f.status !== "all" && run.status !== f.status) return false;
  if (f.assistantId !== "all" && run.assistantId !== f.assistantId) return false;
  if (f.since && run.createdAt < f.since) return false;
  return true;
}
