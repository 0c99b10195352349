"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { shortId } from "@/lib/format.ts";
import { NextNodes } from "./next-nodes.tsx";
import { objectOf, stringField, type Checkpoint } from "./types.ts";
import styles from "./thread-detail.module.css";

const PAGE_SIZE = 10;

/** The thread's checkpoints as a timeline, newest first, a page at a time ("Load older"). */
export function HistoryTimeline({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const history = useInfiniteQuery(trpc.threads.history.infiniteQueryOptions({ threadId, limit: PAGE_SIZE }, CURSOR_PAGES));
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="history-title">
      <div className="card-head">
        <h2 id="history-title">History</h2>
        <span className="muted">newest first</span>
      </div>
      {history.isPending ? (
        <Loading what="history" />
      ) : history.isError ? (
        <ErrorState error={history.error} retry={() => void history.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No checkpoints yet">Each step of a run on this thread saves one.</EmptyState>
      ) : (
        <>
          <ol className={styles.timeline} aria-label="Checkpoints">
            {items.map((c, i) => (
              <CheckpointEntry key={c.checkpoint?.checkpointId ?? i} checkpoint={c} />
            ))}
          </ol>
          {history.hasNextPage ? (
            <button type="button" className="btn" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
              {history.isFetchingNextPage ? "Loading…" : "Load older"}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function CheckpointEntry({ checkpoint }: { checkpoint: Checkpoint }) {
  const meta = objectOf(checkpoint.metadata);
  const step = typeof meta.step === "number" ? meta.step : null;
  const source = stringField(meta, "source");
  const runId = stringField(meta, "run_id");
  const waiting = checkpoint.tasks.some((t) => t.interrupts.length > 0);
  const id = checkpoint.checkpoint?.checkpointId;
  return (
    <li className={styles.entry} data-checkpoint-id={id} data-run-id={runId}>
      <div className={styles.entryHead}>
        <strong>{step !== null ? `Step ${step}` : "Checkpoint"}</strong>
        {source ? <span className={styles.source}>{source}</span> : null}
        {waiting ? <span className="badge badge-warn">waiting for input</span> : null}
        <span className={styles.entryTime}>
          <LocalTime value={checkpoint.createdAt} />
        </span>
      </div>
      <div className={styles.entryBody}>
        <span>
          <span className="muted">next </span>
          <NextNodes next={checkpoint.next} />
        </span>
        {runId ? (
          <span>
            <span className="muted">run </span>
            <Link href={`/runs/${runId}`} aria-label={`Run ${runId}`}>
              <code>{shortId(runId)}</code>
            </Link>
          </span>
        ) : null}
        {id ? (
          <span className="muted" title={id}>
            checkpoint <code>{shortId(id)}</code>
          </span>
        ) : null}
      </div>
    </li>
  );
}
