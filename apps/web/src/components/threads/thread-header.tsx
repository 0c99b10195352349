import Link from "next/link";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { AssistantNameOf } from "@/components/list-filters/assistant-name.tsx";
import { stringField, type ThreadRow } from "./types.ts";
import styles from "./thread-detail.module.css";

/** The thread's id, status, graph and assistant, and when it was created and last updated. */
export function ThreadHeader({ thread }: { thread: ThreadRow }) {
  const graphId = stringField(thread.metadata, "graph_id");
  const assistantId = stringField(thread.metadata, "assistant_id");
  return (
    <header className={styles.header}>
      <p className={styles.crumbs}>
        <Link href="/threads">Threads</Link> /
      </p>
      <h1 className={styles.title}>
        Thread <code className={styles.id}>{thread.id}</code> <StatusBadge status={thread.status} label="Thread status" />
      </h1>
      <dl className={`facts ${styles.headFacts}`}>
        <dt>Graph</dt>
        <dd>{graphId ?? <span className="muted">none yet</span>}</dd>
        {assistantId && assistantId !== graphId ? (
          <>
            <dt>Assistant</dt>
            <dd>
              <AssistantNameOf assistantId={assistantId} />
            </dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>
          <LocalTime value={thread.createdAt} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <LocalTime value={thread.updatedAt} />
        </dd>
      </dl>
    </header>
  );
}
