"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback } from "react";
import { useTRPC } from "@/lib/trpc.tsx";

/**
 * Keeps a thread's page current: whenever one of its runs is created or changes
 * status (runs.watch), its thread row, state, history, runs and token usage are
 * fetched again. Also on every (re)connect, since changes may have happened while
 * the subscription was not listening.
 */
export function useThreadLive(threadId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useCallback(() => {
    for (const filter of [
      trpc.threads.get.queryFilter({ threadId }),
      trpc.threads.state.pathFilter(),
      trpc.threads.history.pathFilter(),
      trpc.runs.list.pathFilter(),
      trpc.runs.get.pathFilter(),
      trpc.usage.byThread.queryFilter({ threadId }),
    ]) {
      void queryClient.invalidateQueries(filter);
    }
  }, [trpc, queryClient, threadId]);
  useSubscription(
    trpc.runs.watch.subscriptionOptions(undefined, {
      onStarted: refresh,
      onData: (change) => {
        if (change.run.threadId === threadId) refresh();
      },
    }),
  );
  return refresh;
}
