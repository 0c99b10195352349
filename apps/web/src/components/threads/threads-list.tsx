"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useState } from "react";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { ThreadListItem } from "./thread-list-item.tsx";
import { THREAD_STATUSES, type ThreadStatus } from "./types.ts";
import styles from "./threads.module.css";

const PAGE_SIZE = 25;

/** The caller's threads, newest first, filtered by status; kept current as their runs change. */
export function ThreadsList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ThreadStatus | "">("");
  const query = useInfiniteQuery(trpc.threads.list.infiniteQueryOptions({ limit: PAGE_SIZE, ...(status ? { status } : {}) }, CURSOR_PAGES));
  // a run starting or ending changes its thread's status and updated time
  useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onData: () => void queryClient.invalidateQueries(trpc.threads.list.pathFilter()),
    }),
  );

  const threads = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className={styles.toolbar}>
        <label className={styles.filter}>
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as ThreadStatus | "")}>
            <option value="">All</option>
            {THREAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {query.isPending ? (
        <Loading what="threads" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : threads.length === 0 ? (
        status ? (
          <EmptyState title={`No ${status} threads`}>Choose another status, or All.</EmptyState>
        ) : (
          <EmptyState title="No threads yet">
            A thread is made when you start a run on one: from <Link href="/runs/new">New run</Link>, the SDK or the REST API.
          </EmptyState>
        )
      ) : (
        <>
          <ul className={styles.threadList} aria-label="Threads">
            {threads.map((t) => (
              <ThreadListItem key={t.id} thread={t} />
            ))}
          </ul>
          {query.hasNextPage ? (
            <button
              type="button"
              className={`btn ${styles.more}`}
              disabled={query.isFetchingNextPage}
              onClick={() => void query.fetchNextPage()}
            >
              {query.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      )}
    </>
  );
}
