"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { useOwners } from "@/components/list-filters/owner-select.tsx";
import { useUrlFilters } from "@/components/list-filters/url-state.ts";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import { filtersFromParams, filtersToParams, isFiltered, NO_FILTERS } from "./filter-model.ts";
import { LiveIndicator } from "./live-indicator.tsx";
import { RunFiltersBar } from "./run-filters.tsx";
import { RunTableRow, type AssistantName } from "./run-row.tsx";
import { useLiveRuns } from "./use-live-runs.ts";
import styles from "./runs-table.module.css";

// Owner (an admin's) after the columns every operator has, so theirs keep their places
const COLUMNS = ["Status", "Run", "Assistant", "Thread", "Started", "Duration", "Tokens", "Owner", "Actions"];

/** The runs table's column names, in RunTableRow's order: every table of runs heads its rows with these. */
export function runColumns(admin: boolean): string[] {
  return admin ? COLUMNS : COLUMNS.filter((c) => c !== "Owner");
}

/**
 * The live runs table: filters (kept in the address), the rows (kept current by the
 * runs watch), and more pages on request. An admin sees every operator's runs, with
 * an owner column and filter.
 */
export function RunsTable({ admin = false }: { admin?: boolean }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useUrlFilters(filtersFromParams, filtersToParams);
  const { rows, list, watch, remember } = useLiveRuns(filters);
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));
  const owners = useOwners(admin, list.data?.pages);
  const columns = runColumns(admin);

  const moreError = list.isFetchNextPageError ? list.error : null;
  const names = useMemo(
    () => new Map<string, AssistantName>((assistants.data?.items ?? []).map((a) => [a.id, { name: a.name, graphId: a.graphId }])),
    [assistants.data],
  );

  return (
    <section className={styles.wrap} aria-label="Runs">
      <div className={styles.toolbar}>
        <RunFiltersBar
          value={filters}
          onChange={setFilters}
          assistants={assistants.data?.items ?? []}
          owners={admin ? [...owners.values()] : undefined}
        />
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
                  {columns.map((c) => (
                    <th key={c} scope="col" className={c === "Duration" || c === "Tokens" ? styles.num : undefined}>
                      {c === "Actions" ? <span className="sr-only">{c}</span> : c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((run) => (
                  <RunTableRow
                    key={run.id}
                    run={run}
                    assistant={names.get(run.assistantId)}
                    owner={admin ? (owners.get(run.ownerId)?.email ?? run.ownerId) : undefined}
                    onChanged={remember}
                  />
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
