"use client";

import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback } from "react";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import { AgentReply } from "./agent-reply.tsx";
import { EventLog } from "./event-log.tsx";
import { FeedbackForm } from "./feedback-form.tsx";
import { FollowUpForm } from "./follow-up-form.tsx";
import { RunActions } from "./run-actions.tsx";
import { RunGraph } from "./run-graph.tsx";
import { RunHeader, type RunRow } from "./run-header.tsx";
import { RunTrace } from "./run-trace.tsx";
import { UsagePanel } from "./usage-panel.tsx";
import { useRunStream } from "./use-run-stream.ts";
import { useRunTrace } from "./use-run-trace.ts";
import styles from "./run-detail.module.css";

/** Codes the API answers for a run the caller cannot see (or an id that cannot be one). */
function isMissing(error: { data?: { code?: string } | null } | null): boolean {
  const code = error?.data?.code;
  return code === "NOT_FOUND" || code === "BAD_REQUEST";
}

export function RunDetail({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.runs.get.queryOptions({ runId }));
  if (run.isPending) return <Loading what="the run" />;
  if (run.isError) {
    if (isMissing(run.error)) return <RunNotFound />;
    return <ErrorState error={run.error} retry={() => void run.refetch()} />;
  }
  return <RunView run={run.data} />;
}

function RunNotFound() {
  return (
    <section aria-labelledby="run-missing">
      <h1 id="run-missing">Run not found</h1>
      <EmptyState title="There is no run with this id that you can see.">
        It may have been deleted, or it belongs to another operator. <Link href="/runs">Back to your runs</Link>
      </EmptyState>
    </section>
  );
}

function RunView({ run }: { run: RunRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runKey = trpc.runs.get.queryKey({ runId: run.id });

  // status changes are pushed: the badge and the actions follow them without a reload
  useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onData: (change) => {
        if (change.run.id === run.id) queryClient.setQueryData(runKey, change.run);
      },
    }),
  );

  const onEnd = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: run.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.usage.byRun.queryKey({ runId: run.id }) });
  }, [queryClient, trpc, run.id]);
  const stream = useRunStream(run.id, true, onEnd);
  const trace = useRunTrace(run.id, stream);

  return (
    <article className={styles.page} aria-labelledby="run-title">
      <RunHeader run={run} />
      <RunActions run={run} onCancelled={(stopped) => queryClient.setQueryData(runKey, stopped)} />
      <div className={styles.columns}>
        <div className={styles.main}>
          <AgentReply stream={stream} run={run} />
          <RunTrace trace={trace.data} stream={stream} loading={trace.isPending} />
          <EventLog stream={stream} trace={trace.data} />
        </div>
        <aside className={styles.side} aria-label="Run details">
          <RunGraph assistantId={run.assistantId} stream={stream} live={stream.endStatus === null} />
          <UsagePanel runId={run.id} />
          <FeedbackForm runId={run.id} />
          <FollowUpForm run={run} />
        </aside>
      </div>
    </article>
  );
}
