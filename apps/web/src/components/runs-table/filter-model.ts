import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";
import { RUN_STATUSES } from "@lgrs/runtime/enums";
import { metadataMatches, parseMetadataFilter, textMatches } from "@/components/list-filters/metadata.ts";

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

/**
 * What the operator chose, as the address carries it. `since` is fixed when the
 * time window is picked (or the page loaded), so the list query stays the same query.
 */
export interface RunFilters {
  status: RunStatus | "all";
  assistantId: string | "all";
  time: TimeWindow;
  since: Date | null;
  /** found in the run id, thread id, input or metadata */
  text: string;
  /** `key=value, key=value` as typed (see parseMetadataFilter) */
  metadata: string;
  /** an admin's owner filter: a user id, or "all" */
  ownerId: string | "all";
}

export const NO_FILTERS: RunFilters = {
  status: "all",
  assistantId: "all",
  time: "all",
  since: null,
  text: "",
  metadata: "",
  ownerId: "all",
};

export function isFiltered(f: RunFilters): boolean {
  return f.status !== "all" || f.assistantId !== "all" || f.time !== "all" || !!f.text || !!f.metadata || f.ownerId !== "all";
}

/** The start of a time window, counted from now. */
export function sinceFor(time: TimeWindow, now: number = Date.now()): Date | null {
  const ms = TIME_WINDOWS.find((w) => w.value === time)?.ms ?? null;
  return ms === null ? null : new Date(now - ms);
}

/** The filters a query string names; anything unknown there is left at "all". */
export function filtersFromParams(params: URLSearchParams, now: number = Date.now()): RunFilters {
  const status = params.get("status");
  const time = TIME_WINDOWS.find((w) => w.value === params.get("time"))?.value ?? "all";
  return {
    status: STATUSES.includes(status as RunStatus) ? (status as RunStatus) : "all",
    assistantId: params.get("assistant") || "all",
    time,
    since: sinceFor(time, now),
    text: params.get("q") ?? "",
    metadata: params.get("metadata") ?? "",
    ownerId: params.get("owner") || "all",
  };
}

export function filtersToParams(f: RunFilters): Record<string, string | undefined> {
  return {
    q: f.text || undefined,
    status: f.status === "all" ? undefined : f.status,
    assistant: f.assistantId === "all" ? undefined : f.assistantId,
    time: f.time === "all" ? undefined : f.time,
    metadata: f.metadata || undefined,
    owner: f.ownerId === "all" ? undefined : f.ownerId,
  };
}

/** The `runs.list` input for these filters (without the cursor, which the infinite query adds); a bad metadata filter is left out. */
export function listInput(f: RunFilters, limit: number): Omit<ListInput, "cursor"> {
  const metadata = parseMetadataFilter(f.metadata);
  return {
    limit,
    ...(f.status !== "all" ? { status: f.status } : {}),
    ...(f.assistantId !== "all" ? { assistantId: f.assistantId } : {}),
    ...(f.since ? { createdAfter: f.since } : {}),
    ...(f.text ? { text: f.text } : {}),
    ...(metadata.ok && metadata.value ? { metadata: metadata.value } : {}),
    ...(f.ownerId !== "all" ? { ownerId: f.ownerId } : {}),
  };
}

/** The same filters applied to a run that arrived live (the text as near as the browser can tell). */
export function matches(run: RunRow, f: RunFilters): boolean {
  if (f.status !== "all" && run.status !== f.status) return false;
  if (f.assistantId !== "all" && run.assistantId !== f.assistantId) return false;
  if (f.since && run.createdAt < f.since) return false;
  if (f.ownerId !== "all" && run.ownerId !== f.ownerId) return false;
  const metadata = parseMetadataFilter(f.metadata);
  if (metadata.ok && !metadataMatches(run.metadata, metadata.value)) return false;
  const input = (run.kwargs as { input?: unknown } | null)?.input;
  return textMatches(f.text, [run.id, run.threadId, input, run.metadata]);
}
