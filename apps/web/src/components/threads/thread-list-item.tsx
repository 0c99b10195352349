import Link from "next/link";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { stringField, type ThreadRow } from "./types.ts";
import styles from "./threads.module.css";

/** One thread in the list: status, id (to its page), graph, created and updated. */
export function ThreadListItem({ thread }: { thread: ThreadRow }) {
  const graphId = stringField(thread.metadata, "graph_id");
  return (
    <li className={styles.threadItem}>
      <span className={styles.threadStatus}>
        <StatusBadge status={thread.status} />
      </span>
      <Link href={`/threads/${thread.id}`} className={styles.threadId} aria-label={`Thread ${thread.id}`}>
        <code>{thread.id}</code>
      </Link>
      <span className={styles.threadGraph}>
        <span className="muted">graph </span>
        {graphId ?? <span className="muted">none yet</span>}
      </span>
      <span className={styles.threadTimes}>
        <span>
          <span className="muted">created </span>
          <LocalTime value={thread.createdAt} />
        </span>
        <span>
          <span className="muted">updated </span>
          <LocalTime value={thread.updatedAt} />
        </span>
      </span>
    </li>
  );
}
