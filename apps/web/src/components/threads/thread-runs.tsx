"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { formatDuration, formatTokens, runDuration, shortId } from "@/lib/format.ts";
import styles from "./thread-detail.module.css";

const PAGE_SIZE = 10;

/** The thread's runs, newest first, each with its status and a link to its page. */
export function ThreadRuns({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const runs = useInfiniteQuery(trpc.runs.list.infiniteQueryOptions({ threadId, limit: PAGE_SIZE }, CURSOR_PAGES));
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="runs-title">
      <div className="card-head">
        <h2 id="runs-title">Runs</h2>
      </div>
      {runs.isPending ? (
        <Loading what="runs" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} retry={() => void runs.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No runs on this thread" />
      ) : (
        <>
          <ul className={styles.runs} aria-label="Thread runs">
            {items.map((run) => (
              <li key={run.id} className={styles.run}>
                <StatusBadge status={run.status} label={`Run ${shortId(run.id)}`} />
                <Link href={`/runs/${run.id}`} aria-label={`Run ${run.id}`}>
                  <code>{shortId(run.id)}</code>
                </Link>
                <span className="muted" title="duration">
                  {formatDuration(runDuration(run))}
                </span>
                {run.rolledBackAt ? <span className="badge badge-warn">rolled back</span> : null}
                <span className={styles.runMeta}>
                  <LocalTime value={run.createdAt} />
                  <span className="muted"> · {formatTokens(run.totalTokens)} tokens</span>
                </span>
              </li>
            ))}
          </ul>
          {runs.hasNextPage ? (
            <button type="button" className="btn" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
              {runs.isFetchingNextPage ? "Loading…" : "Load more runs"}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
