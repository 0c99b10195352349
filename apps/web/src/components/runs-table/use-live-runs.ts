"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useMemo, useState } from "react";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { listInput, matches, type RunFilters, type RunRow } from "./filter-model.ts";
import { newerRun } from "./run-versions.ts";

const PAGE_SIZE = 25;

function newestFirst(a: RunRow, b: RunRow): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The runs table's rows: pages of `runs.list` for the filters, kept current by
 * `runs.watch` (runs created since appear at the top, statuses change in place).
 * The list is read again each time the watch (re)connects, so a run created
 * while it was not listening is not missed.
 */
export function useLiveRuns(filters: RunFilters) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(listInput(filters, PAGE_SIZE), {
      ...CURSOR_PAGES,
      // while other filters load, the rows on screen (filtered here too) stay
      placeholderData: keepPreviousData,
    }),
  );

  // every version of a run the watch (or a cancel) told us about, by id
  const [seen, setSeen] = useState<ReadonlyMap<string, RunRow>>(() => new Map());
  const remember = useCallback((run: RunRow) => {
    setSeen((prev) => {
      if (newerRun(run, prev.get(run.id)) !== run) return prev;
      return new Map(prev).set(run.id, run);
    });
  }, []);

  const { refetch } = list;
  const watch = useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onData: (change) => remember(change.run),
      onStarted: () => void refetch(),
    }),
  );

  const rows = useMemo(() => {
    const listed = list.data?.pages.flatMap((p) => p.items) ?? [];
    const ids = new Set(listed.map((r) => r.id));
    const oldest = listed.at(-1);
    const merged = listed.map((r) => newerRun(r, seen.get(r.id)));
    for (const run of seen.values()) {
      if (ids.has(run.id)) continue;
      // a run older than the loaded pages belongs to a page not loaded yet
      if (list.hasNextPage && oldest && newestFirst(run, oldest) > 0) continue;
      merged.push(run);
    }
    return merged.filter((r) => matches(r, filters)).sort(newestFirst);
  }, [list.data, list.hasNextPage, seen, filters]);

  return { rows, list, watch, remember };
}
