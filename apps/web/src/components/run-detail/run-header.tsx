"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { formatDuration, formatTokens, runDuration, shortId } from "@/lib/format.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { stopReasonOf } from "@/lib/stop-reason.ts";
import { StopReason } from "./stop-reason.tsx";
import styles from "./run-detail.module.css";

export type RunRow = inferRouterOutputs<AppRouter>["runs"]["get"];

/** The run's error as stored: `{ type, message }`. */
export function runError(run: RunRow): { type: string; message: string } | null {
  const error = run.error as { type?: unknown; message?: unknown } | null;
  if (!error || typeof error !== "object") return null;
  return {
    type: typeof error.type === "string" ? error.type : "Error",
    message: typeof error.message === "string" ? error.message : JSON.stringify(error),
  };
}

export function RunHeader({ run }: { run: RunRow }) {
  const trpc = useTRPC();
  const assistant = useQuery(trpc.assistants.get.queryOptions({ assistantId: run.assistantId }));
  const error = runError(run);
  const stopped = stopReasonOf(run.stopReason);
  return (
    <header className={styles.header}>
      <div className={styles.titleRow}>
        <h1 id="run-title" className={styles.title}>
          Run <code title={run.id}>{shortId(run.id)}</code>
        </h1>
        <span role="status" aria-label="Run status" className={styles.status}>
          <StatusBadge status={run.status} />
        </span>
      </div>
      <dl className={`facts ${styles.facts}`}>
        <dt>Assistant</dt>
        <dd>
          {assistant.data ? (
            <>
              {assistant.data.name} <span className="muted">(graph {assistant.data.graphId})</span>
            </>
          ) : (
            <code className={styles.id}>{run.assistantId}</code>
          )}
        </dd>
        <dt>Thread</dt>
        <dd>
          <Link href={`/threads/${run.threadId}`} className={styles.id}>
            {run.threadId}
          </Link>
        </dd>
        <dt>Created</dt>
        <dd>
          <LocalTime value={run.createdAt} />
        </dd>
        <dt>Started</dt>
        <dd>
          <LocalTime value={run.startedAt} />
        </dd>
        <dt>Ended</dt>
        <dd>
          <LocalTime value={run.endedAt} />
        </dd>
        <dt>Duration</dt>
        <dd>{run.startedAt ? formatDuration(runDuration(run)) + (run.endedAt ? "" : " so far") : "not started"}</dd>
        <dt>Tokens</dt>
        <dd>{formatTokens(run.totalTokens)}</dd>
        <dt>Graph version</dt>
        <dd data-testid="graph-version">
          {run.graphVersion ? (
            <>
              <code title="content hash of the graph's files when the run started">{run.graphVersion}</code>{" "}
              <span className="muted">
                (loaded <LocalTime value={run.graphLoadedAt} />)
              </span>
            </>
          ) : (
            <span className="muted">not recorded</span>
          )}
        </dd>
        {run.rolledBackAt ? (
          <>
            <dt>Rolled back</dt>
            <dd>
              <LocalTime value={run.rolledBackAt} />
            </dd>
          </>
        ) : null}
      </dl>
      {stopped ? <StopReason reason={stopped} /> : null}
      {error ? (
        <div className="error-box" role="alert" aria-label="Run error">
          <strong>{error.type}:</strong> {error.message}
        </div>
      ) : null}
    </header>
  );
}
