import { THREAD_STATUSES, type ThreadStatus } from "./types.ts";
import { parseMetadataFilter } from "@/components/list-filters/metadata.ts";

/** The Threads list's filters, as the address carries them. */
export interface ThreadFilters {
  status: ThreadStatus | "";
  /** found in the thread id, its metadata or its current values */
  text: string;
  /** `key=value, key=value` as typed */
  metadata: string;
  /** an admin's owner filter: a user id, or "all" */
  ownerId: string | "all";
}

export const NO_THREAD_FILTERS: ThreadFilters = { status: "", text: "", metadata: "", ownerId: "all" };

export function threadFiltered(f: ThreadFilters): boolean {
  return !!f.status || !!f.text || !!f.metadata || f.ownerId !== "all";
}

export function threadFiltersFromParams(params: URLSearchParams): ThreadFilters {
  const status = params.get("status");
  return {
    status: THREAD_STATUSES.includes(status as ThreadStatus) ? (status as ThreadStatus) : "",
    text: params.get("q") ?? "",
    metadata: params.get("metadata") ?? "",
    ownerId: params.get("owner") || "all",
  };
}

export function threadFiltersToParams(f: ThreadFilters): Record<string, string | undefined> {
  return {
    q: f.text || undefined,
    status: f.status || undefined,
    metadata: f.metadata || undefined,
    owner: f.ownerId === "all" ? undefined : f.ownerId,
  };
}

/** The `threads.list` input for these filters (a bad metadata filter is left out: the field says what is wrong). */
export function threadListInput(f: ThreadFilters, limit: number) {
  const metadata = parseMetadataFilter(f.metadata);
  return {
    limit,
    ...(f.status ? { status: f.status } : {}),
    ...(f.text ? { text: f.text } : {}),
    ...(metadata.ok && metadata.value ? { metadata: metadata.value } : {}),
    ...(f.ownerId !== "all" ? { ownerId: f.ownerId } : {}),
  };
}
