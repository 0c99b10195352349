"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import { isFiltered, NO_FILTERS, type RunFilters } from "./filter-model.ts";
import { LiveIndicator } from "./live-indicator.tsx";
import { RunFiltersBar } from "./run-filters.tsx";
import { RunTableRow, type AssistantName } from "./run-row.tsx";
import { useLiveRuns } from "./use-live-runs.ts";
import styles from "./runs-table.module.css";

const COLUMNS = ["Status", "Run", "Assistant", "Thread", "Started", "Duration", "Tokens", "Actions"];

/** The live runs table: filters, the rows (kept current by the runs watch), and more pages on request. */
export function RunsTable() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<RunFilters>(NO_FILTERS);
  const { rows, list, watch, remember } = useLiveRuns(filters);
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));

  const moreError = list.isFetchNextPageError ? list.error : null;
  const names = useMemo(
    () => new Map<string, AssistantName>((assistants.data?.items ?? []).map((a) => [a.id, { name: a.name, graphId: a.graphId }])),
    [assistants.data],
  );

  return (
    <section className={styles.wrap} aria-label="Runs">
      <div className={styles.toolbar}>
        <RunFiltersBar value={filters} onChange={setFilters} assistants={assistants.data?.items ?? []} />
        <LiveIndicator status={watch.status} error={watch.error} onReconnect={() => watch.reset()} />
      </div>

      {list.isPending ? (
        <Loading what="runs" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        isFiltered(filters) ? (
          <EmptyState title="No runs match these filters">
            <button type="button" className="btn" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No runs yet">
            <p>Runs started here, through the API or with an SDK appear in this table as they start.</p>
            <Link href="/runs/new" className={`btn btn-primary ${styles.cta}`}>
              Start a run
            </Link>
          </EmptyState>
        )
      ) : (
        <>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c} scope="col" className={c === "Duration" || c === "Tokens" ? styles.num : undefined}>
                      {c === "Actions" ? <span className="sr-only">{c}</span> : c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((run) => (
                  <RunTableRow key={run.id} run={run} assistant={names.get(run.assistantId)} onChanged={remember} />
                ))}
              </tbody>
            </table>
          </div>
          <div className={styles.more}>
            <span className="muted">
              {rows.length} {rows.length === 1 ? "run" : "runs"}
              {list.hasNextPage ? " shown" : ""}
            </span>
            {list.hasNextPage ? (
              <button type="button" className="btn" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {list.isFetchingNextPage ? "Loading more…" : "Load more"}
              </button>
            ) : null}
            {moreError ? <span role="alert">Could not load more: {moreError.message}</span> : null}
          </div>
        </>
      )}
    </section>
  );
}
