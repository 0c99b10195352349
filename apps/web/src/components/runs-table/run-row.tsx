"use client";

import Link from "next/link";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { formatDuration, formatTokens, runDuration, shortId } from "@/lib/format.ts";
import { stopReasonOf, stopSummary } from "@/lib/stop-reason.ts";
import type { AssistantRow, RunRow as Run } from "./filter-model.ts";
import { RunActions } from "./run-actions.tsx";
import styles from "./runs-table.module.css";

export type AssistantName = Pick<AssistantRow, "name" | "graphId">;

function errorMessage(error: unknown): string | null {
  if (!error || typeof error !== "object") return null;
  const { type, message } = error as { type?: unknown; message?: unknown };
  return [type, message].filter((p) => typeof p === "string" && p).join(": ") || null;
}

/** How long the run took; an unfinished run says what it is doing instead. */
function Duration({ run }: { run: Run }) {
  if (run.status === "pending") return <span className="muted">queued</span>;
  if (run.status === "running") return <span className={styles.running}>running</span>;
  return <>{formatDuration(runDuration(run))}</>;
}

/** One run in the table (a card on a narrow screen: each cell carries its column's name). */
export function RunTableRow({
  run,
  assistant,
  owner,
  onChanged,
}: {
  run: Run;
  assistant: AssistantName | undefined;
  /** who owns the run (an admin's table); undefined: no owner column */
  owner?: string;
  onChanged: (run: Run) => void;
}) {
  const short = shortId(run.id);
  const failure = run.status === "error" || run.status === "timeout" ? errorMessage(run.error) : null;
  const stopped = stopReasonOf(run.stopReason);
  return (
    <tr className={styles.row} data-run-id={run.id} data-status={run.status}>
      <td data-label="Status" className={styles.statusCell}>
        <StatusBadge status={run.status} />
        {run.rolledBackAt ? (
          <span className={styles.note} title={`rolled back ${run.rolledBackAt.toLocaleString()}`}>
            rolled back
          </span>
        ) : null}
        {failure ? (
          <span className={styles.failure} title={failure}>
            {failure}
          </span>
        ) : null}
        {stopped ? (
          <span className={styles.stopped} aria-label="Stop reason" title={`stopped: ${stopSummary(stopped)}`}>
            {stopSummary(stopped)}
          </span>
        ) : null}
      </td>
      <td data-label="Run">
        <Link href={`/runs/${run.id}`} aria-label={`Open run ${short}`} className={styles.mono} title={run.id}>
          {short}
        </Link>
      </td>
      <td data-label="Assistant">
        {assistant ? (
          <span title={run.assistantId}>
            {assistant.name}
            {assistant.name !== assistant.graphId ? <span className="muted"> ({assistant.graphId})</span> : null}
          </span>
        ) : (
          <span className={styles.mono} title={run.assistantId}>
            {shortId(run.assistantId)}
          </span>
        )}
      </td>
      <td data-label="Thread">
        <Link href={`/threads/${run.threadId}`} aria-label={`Thread ${shortId(run.threadId)}`} className={styles.mono} title={run.threadId}>
          {shortId(run.threadId)}
        </Link>
      </td>
      <td data-label="Started">{run.startedAt ? <LocalTime value={run.startedAt} /> : <span className="muted">not yet</span>}</td>
      <td data-label="Duration" className={styles.num}>
        <Duration run={run} />
      </td>
      <td data-label="Tokens" className={styles.num} title={`${formatTokens(run.inputTokens)} in, ${formatTokens(run.outputTokens)} out`}>
        {formatTokens(run.totalTokens)}
      </td>
      {owner !== undefined ? (
        <td data-label="Owner" className={styles.owner} title={run.ownerId}>
          {owner}
        </td>
      ) : null}
      <td data-label="Actions">
        <RunActions run={run} onChanged={onChanged} />
      </td>
    </tr>
  );
}
