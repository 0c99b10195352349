"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useId, useMemo } from "react";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { parseMetadataFilter } from "@/components/list-filters/metadata.ts";
import filterStyles from "@/components/list-filters/list-filters.module.css";
import { OwnerSelect, useOwners } from "@/components/list-filters/owner-select.tsx";
import { SearchField } from "@/components/list-filters/search-field.tsx";
import { useUrlFilters } from "@/components/list-filters/url-state.ts";
import { LiveIndicator } from "@/components/runs-table/live-indicator.tsx";
import tableStyles from "@/components/runs-table/runs-table.module.css";
import { ThreadListHead, ThreadListItem } from "./thread-list-item.tsx";
import {
  NO_THREAD_FILTERS,
  threadFiltered,
  threadFiltersFromParams,
  threadFiltersToParams,
  threadListInput,
  type ThreadFilters,
} from "./thread-filters.ts";
import { THREAD_STATUSES, type ThreadStatus } from "./types.ts";
import styles from "./threads.module.css";

const PAGE_SIZE = 25;

/**
 * The caller's threads (every operator's for an admin, with their owners), newest
 * first; filters kept in the address; kept current as their runs change.
 */
export function ThreadsList({ admin = false }: { admin?: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useUrlFilters(threadFiltersFromParams, threadFiltersToParams);
  const query = useInfiniteQuery(trpc.threads.list.infiniteQueryOptions(threadListInput(filters, PAGE_SIZE), CURSOR_PAGES));
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));
  // a run starting or ending changes its thread's status and updated time
  const watch = useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onData: () => void queryClient.invalidateQueries(trpc.threads.list.pathFilter()),
    }),
  );
  const names = useMemo(() => new Map((assistants.data?.items ?? []).map((a) => [a.id, a])), [assistants.data]);
  const owners = useOwners(admin, query.data?.pages);
  const metadata = parseMetadataFilter(filters.metadata);
  const set = (patch: Partial<ThreadFilters>) => setFilters({ ...filters, ...patch });

  const threads = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className={tableStyles.wrap} aria-label="Thread list">
      <div className={tableStyles.toolbar}>
        <form className={filterStyles.filters} role="search" aria-label="Filter threads" onSubmit={(e) => e.preventDefault()}>
          <SearchField
            id={`${id}-text`}
            label="Find"
            value={filters.text}
            placeholder="Thread id or text in metadata and values"
            onApply={(text) => set({ text })}
            wide
          />
          <label htmlFor={`${id}-status`}>
            <span>Status</span>
            <select id={`${id}-status`} value={filters.status} onChange={(e) => set({ status: e.target.value as ThreadStatus | "" })}>
              <option value="">All</option>
              {THREAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          {admin ? (
            <OwnerSelect
              id={`${id}-owner`}
              value={filters.ownerId}
              owners={[...owners.values()]}
              onChange={(ownerId) => set({ ownerId })}
            />
          ) : null}
          <SearchField
            id={`${id}-metadata`}
            label="Metadata"
            value={filters.metadata}
            placeholder="key=value, key=value"
            onApply={(text) => set({ metadata: text })}
            error={metadata.ok ? null : metadata.error}
          />
          {threadFiltered(filters) ? (
            <button type="button" className={`btn ${tableStyles.small}`} onClick={() => setFilters(NO_THREAD_FILTERS)}>
              Clear filters
            </button>
          ) : null}
        </form>
        <LiveIndicator status={watch.status} error={watch.error} onReconnect={() => watch.reset()} />
      </div>
      {query.isPending ? (
        <Loading what="threads" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : threads.length === 0 ? (
        threadFiltered(filters) ? (
          <EmptyState
            title={filters.status && !filters.text && !filters.metadata ? `No ${filters.status} threads` : "No threads match these filters"}
          >
            <button type="button" className="btn" onClick={() => setFilters(NO_THREAD_FILTERS)}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No threads yet">
            A thread is made when you start a run on one: from <Link href="/runs/new">New run</Link>, the SDK or the REST API.
          </EmptyState>
        )
      ) : (
        <>
          <div className={styles.threadTable}>
            <ThreadListHead owner={admin} />
            <ul className={styles.threadList} aria-label="Threads">
              {threads.map((t) => (
                <ThreadListItem
                  key={t.id}
                  thread={t}
                  assistants={names}
                  owner={admin ? (owners.get(t.ownerId)?.email ?? t.ownerId) : undefined}
                />
              ))}
            </ul>
          </div>
          <div className={tableStyles.more}>
            <span className="muted">
              {threads.length} {threads.length === 1 ? "thread" : "threads"}
              {query.hasNextPage ? " shown" : ""}
            </span>
            {query.hasNextPage ? (
              <button type="button" className="btn" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                {query.isFetchingNextPage ? "Loading more…" : "Load more"}
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
