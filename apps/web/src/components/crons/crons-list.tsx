"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { assistantLabel } from "@/components/list-filters/assistant-names.ts";
import { ConfirmDialog } from "@/components/runs-table/confirm-dialog.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import styles from "./crons.module.css";

const PAGE_SIZE = 50;
/** Next-run times move as ticks fire: read the list again this often. */
const REFRESH_MS = 15_000;

/** The caller's crons: schedule, zone, next run, thread or stateless, with pause/resume and delete. */
export function CronsList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [deleting, setDeleting] = useState<string | null>(null);
  const query = useQuery({
    ...trpc.crons.list.queryOptions({ limit, sortBy: "createdAt", sortOrder: "desc" }),
    refetchInterval: REFRESH_MS,
  });
  const assistants = useQuery(trpc.assistants.list.queryOptions({ limit: 200 }));
  const names = useMemo(() => new Map((assistants.data?.items ?? []).map((a) => [a.id, a])), [assistants.data]);
  const nameOf = (id: string) => {
    const assistant = names.get(id);
    return assistant ? assistantLabel(assistant) : id.slice(0, 8);
  };
  const refresh = () => void queryClient.invalidateQueries(trpc.crons.list.pathFilter());
  const pause = useMutation(
    trpc.crons.pause.mutationOptions({
      onSettled: refresh,
      meta: { success: (v) => ((v as { paused: boolean }).paused ? "Cron paused" : "Cron resumed") },
    }),
  );
  const remove = useMutation(
    trpc.crons.delete.mutationOptions({
      meta: { success: "Cron deleted" },
      onSuccess: () => setDeleting(null),
      onSettled: refresh,
    }),
  );

  if (query.isPending) return <Loading what="crons" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const crons = query.data.items;
  if (crons.length === 0) {
    return (
      <EmptyState title="No crons yet">
        Create one with the SDK (<code>client.crons.create</code>), the REST API (<code>POST /runs/crons</code>) or tRPC{" "}
        <code>crons.create</code>.
      </EmptyState>
    );
  }
  return (
    <>
      {pause.error ? (
        <p className="error-box" role="alert">
          {pause.error.message}
        </p>
      ) : null}
      {/* a phone scrolls the table sideways instead of widening the page */}
      <div className={styles.tableWrap}>
        <table className={styles.table} aria-label="Crons">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Thread</th>
              <th scope="col">Assistant</th>
              <th scope="col">Ends</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {crons.map((cron) => (
              <tr key={cron.id} data-cron-id={cron.id} data-enabled={cron.enabled ? "true" : "false"}>
                <td>
                  <span className={`${styles.mono} ${styles.nowrap}`}>{cron.schedule}</span>
                  <div className="muted">{cron.timezone ?? "UTC"}</div>
                </td>
                <td>
                  {!cron.enabled ? (
                    <span className={styles.paused}>paused</span>
                  ) : cron.nextRunAt ? (
                    <LocalTime value={cron.nextRunAt} />
                  ) : (
                    <span className="muted">ended</span>
                  )}
                </td>
                <td>
                  {cron.threadId ? (
                    <Link href={`/threads/${cron.threadId}`} className={styles.mono}>
                      {cron.threadId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="muted">new thread each run</span>
                  )}
                </td>
                <td>
                  <Link href={`/assistants/${cron.assistantId}`} title={cron.assistantId}>
                    {nameOf(cron.assistantId)}
                  </Link>
                </td>
                <td>
                  <LocalTime value={cron.endTime} />
                </td>
                <td>
                  <div className={styles.actions}>
                    <button
                      type="button"
                      className={`btn ${styles.small}`}
                      aria-label={`${cron.enabled ? "Pause" : "Resume"} cron ${cron.schedule}`}
                      disabled={pause.isPending}
                      onClick={() => pause.mutate({ cronId: cron.id, paused: cron.enabled })}
                    >
                      {cron.enabled ? "Pause" : "Resume"}
                    </button>
                    <button
                      type="button"
                      className={`btn ${styles.small}`}
                      aria-label={`Delete cron ${cron.schedule}`}
                      onClick={() => setDeleting(cron.id)}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {query.data.hasMore ? (
        <button type="button" className={`btn ${styles.more}`} onClick={() => setLimit((n) => n + PAGE_SIZE)}>
          Load more
        </button>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this cron?"
          keepLabel="Keep it"
          busy={remove.isPending}
          error={remove.error?.message ?? null}
          onConfirm={() => remove.mutate({ cronId: deleting })}
          onClose={() => {
            setDeleting(null);
            remove.reset();
          }}
        >
          It will make no more runs. The runs it made stay.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
