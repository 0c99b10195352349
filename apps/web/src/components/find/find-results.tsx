"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { RunTableRow, type AssistantName } from "@/components/runs-table/run-row.tsx";
import tableStyles from "@/components/runs-table/runs-table.module.css";
import { runColumns } from "@/components/runs-table/runs-table.tsx";
import { ThreadListHead, ThreadListItem } from "@/components/threads/thread-list-item.tsx";
import threadStyles from "@/components/threads/threads.module.css";
import { useTRPC } from "@/lib/trpc.tsx";
import { FindBox } from "./find-box.tsx";
import styles from "./find.module.css";

/** How many of each a find shows; the Runs and Threads pages page through the rest. */
const SHOWN = 10;

/** The runs and threads a text finds, each with a link to its full, filterable list. */
export function FindResults({ text, admin }: { text: string; admin: boolean }) {
  const trpc = useTRPC();
  const enabled = text !== "";
  const runs = useQuery(trpc.runs.list.queryOptions({ text, limit: SHOWN }, { enabled }));
  const threads = useQuery(trpc.threads.list.queryOptions({ text, limit: SHOWN }, { enabled }));
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));
  const names = useMemo(() => new Map((assistants.data?.items ?? []).map((a) => [a.id, a])), [assistants.data]);
  const owner = (ownerId: string, owners: Record<string, { email: string }> | undefined) =>
    admin ? (owners?.[ownerId]?.email ?? ownerId) : undefined;
  const q = encodeURIComponent(text);

  return (
    <div className={styles.page}>
      <FindBox initial={text} autoFocus={!enabled} />
      {!enabled ? null : (
        <>
          <section className={styles.section} aria-label="Runs found">
            <h2>
              Runs <Link href={`/runs?q=${q}`}>open in Runs</Link>
            </h2>
            {runs.isPending ? (
              <Loading what="runs" />
            ) : runs.isError ? (
              <ErrorState error={runs.error} retry={() => void runs.refetch()} />
            ) : runs.data.items.length === 0 ? (
              <EmptyState title="No runs found" />
            ) : (
              <div className={tableStyles.tableWrap}>
                <table className={tableStyles.table}>
                  <thead>
                    <tr>
                      {runColumns(admin).map((c) => (
                        <th key={c} scope="col" className={c === "Duration" || c === "Tokens" ? tableStyles.num : undefined}>
                          {c === "Actions" ? <span className="sr-only">{c}</span> : c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {runs.data.items.map((run) => (
                      <RunTableRow
                        key={run.id}
                        run={run}
                        assistant={names.get(run.assistantId) as AssistantName | undefined}
                        owner={owner(run.ownerId, runs.data.owners)}
                        onChanged={() => void runs.refetch()}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className={styles.section} aria-label="Threads found">
            <h2>
              Threads <Link href={`/threads?q=${q}`}>open in Threads</Link>
            </h2>
            {threads.isPending ? (
              <Loading what="threads" />
            ) : threads.isError ? (
              <ErrorState error={threads.error} retry={() => void threads.refetch()} />
            ) : threads.data.items.length === 0 ? (
              <EmptyState title="No threads found" />
            ) : (
              <div className={threadStyles.threadTable}>
                <ThreadListHead owner={admin} />
                <ul className={threadStyles.threadList} aria-label="Threads">
                  {threads.data.items.map((t) => (
                    <ThreadListItem key={t.id} thread={t} assistants={names} owner={owner(t.ownerId, threads.data.owners)} />
                  ))}
                </ul>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
