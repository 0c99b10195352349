"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { IN_FLIGHT_STATUSES } from "@lgrs/runtime/enums";
import { useTRPC } from "@/lib/trpc.tsx";

/** Event names that mean a new checkpoint: "values", "updates", "checkpoints", also of subgraphs ("values|sub:1"). */
const STEP_EVENT = /^(values|updates|checkpoints)(\||$)/;

/** Refreshes of a burst of events are coalesced into one, this long after the first. */
const COALESCE_MS = 150;

/**
 * Follows the thread's runs in flight step by step: each checkpoint event they
 * stream refetches the thread's state, history and tokens, so a long run's steps
 * show while it runs (status changes alone are covered by useThreadLive).
 */
export function FollowRuns({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  // refreshed by useThreadLive whenever one of the thread's runs changes status
  const inFlight = useQuery(trpc.runs.list.queryOptions({ threadId, status: [...IN_FLIGHT_STATUSES], limit: 10 }));
  return (
    <>
      {inFlight.data?.items.map((run) => (
        <FollowRun key={run.id} runId={run.id} threadId={threadId} />
      ))}
    </>
  );
}

function FollowRun({ runId, threadId }: { runId: string; threadId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useSubscription(
    trpc.runs.stream.subscriptionOptions(
      { runId },
      {
        onData: (item) => {
          if (item.data.type !== "event" || !STEP_EVENT.test(item.data.event) || pending.current) return;
          pending.current = setTimeout(() => {
            pending.current = null;
            void queryClient.invalidateQueries(trpc.threads.state.queryFilter({ threadId }));
            void queryClient.invalidateQueries(trpc.threads.history.pathFilter());
            void queryClient.invalidateQueries(trpc.usage.byThread.queryFilter({ threadId }));
          }, COALESCE_MS);
        },
      },
    ),
  );
  return null;
}
