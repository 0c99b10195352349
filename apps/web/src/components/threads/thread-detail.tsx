"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/lib/trpc.tsx";
import { ErrorState, Loading } from "@/components/states.tsx";
import { FollowRuns } from "./follow-runs.tsx";
import { HistoryTimeline } from "./history-timeline.tsx";
import { ResumePanel } from "./resume-panel.tsx";
import { ThreadHeader } from "./thread-header.tsx";
import { ThreadRuns } from "./thread-runs.tsx";
import { ThreadStateCard } from "./thread-state-card.tsx";
import { ThreadTokens } from "./thread-tokens.tsx";
import { errorCode, isUuid } from "./types.ts";
import { useThreadLive } from "./use-thread-live.ts";
import styles from "./thread-detail.module.css";

/** One thread: its state (and pending interrupt), history, runs and tokens, live as its runs change. */
export function ThreadDetail({ threadId }: { threadId: string }) {
  if (!isUuid(threadId)) return <ThreadNotFound />;
  return <LiveThread threadId={threadId} />;
}

function LiveThread({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const thread = useQuery(trpc.threads.get.queryOptions({ threadId }));
  useThreadLive(threadId);
  if (thread.isPending) return <Loading what="thread" />;
  if (thread.isError) {
    // another owner's thread is reported exactly like a missing one
    if (errorCode(thread.error) === "NOT_FOUND") return <ThreadNotFound />;
    return <ErrorState error={thread.error} retry={() => void thread.refetch()} />;
  }
  return (
    <>
      <FollowRuns threadId={threadId} />
      <ThreadHeader thread={thread.data} />
      {/* two columns on wide screens; one on narrow ones, the runs and tokens before the history */}
      <div className={styles.layout}>
        <div className={styles.main}>
          <div className={styles.slotResume}>
            <ResumePanel thread={thread.data} />
          </div>
          <div className={styles.slotState}>
            <ThreadStateCard threadId={threadId} />
          </div>
          <div className={styles.slotHistory}>
            <HistoryTimeline threadId={threadId} />
          </div>
        </div>
        <div className={styles.side}>
          <div className={styles.slotTokens}>
            <ThreadTokens threadId={threadId} />
          </div>
          <div className={styles.slotRuns}>
            <ThreadRuns threadId={threadId} />
          </div>
        </div>
      </div>
    </>
  );
}

function ThreadNotFound() {
  return (
    <div className="empty" role="status">
      <h1 className="empty-title">Thread not found</h1>
      <p className="muted">
        It does not exist, or it is not yours. <Link href="/threads">Back to your threads</Link>
      </p>
    </div>
  );
}
