import Link from "next/link";
import { CopyButton } from "@/components/copy-button.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { assistantLabel, type AssistantName } from "@/components/list-filters/assistant-names.ts";
import { shortId } from "@/lib/format.ts";
import { stringField, type ThreadRow } from "./types.ts";
import styles from "./threads.module.css";

/** One thread in the list: status, short id (to its page) with a copy button, assistant by name, owner, times. */
export function ThreadListItem({
  thread,
  assistants,
  owner,
}: {
  thread: ThreadRow;
  assistants: ReadonlyMap<string, AssistantName>;
  /** who owns it (an admin's list); undefined: no owner column */
  owner?: string;
}) {
  const graphId = stringField(thread.metadata, "graph_id");
  const assistantId = stringField(thread.metadata, "assistant_id");
  const assistant = assistantId ? assistants.get(assistantId) : undefined;
  return (
    <li className={`${styles.threadItem} ${owner !== undefined ? styles.withOwner : ""}`} data-thread-id={thread.id}>
      <span className={styles.threadStatus}>
        <StatusBadge status={thread.status} />
      </span>
      <span className={styles.threadId}>
        <Link href={`/threads/${thread.id}`} aria-label={`Thread ${thread.id}`} title={thread.id}>
          <code>{shortId(thread.id)}</code>
        </Link>
        <CopyButton text={thread.id} label="Copy id" className={styles.copy} />
      </span>
      <span className={styles.threadGraph} data-label="Assistant">
        {assistant ? (
          <span title={assistant.id}>{assistantLabel(assistant)}</span>
        ) : graphId ? (
          <span title={assistantId}>{graphId}</span>
        ) : (
          <span className="muted">no run yet</span>
        )}
      </span>
      {owner !== undefined ? (
        <span className={styles.threadOwner} data-label="Owner" title={thread.ownerId}>
          {owner}
        </span>
      ) : null}
      <span className={styles.threadTime} data-label="Created">
        <LocalTime value={thread.createdAt} />
      </span>
      <span className={styles.threadTime} data-label="Updated">
        <LocalTime value={thread.updatedAt} />
      </span>
    </li>
  );
}

/** The column names above the rows (wide screens; on narrow ones each row labels its own cells). */
export function ThreadListHead({ owner }: { owner: boolean }) {
  return (
    <div className={`${styles.threadItem} ${styles.threadHead} ${owner ? styles.withOwner : ""}`} aria-hidden="true">
      <span>Status</span>
      <span>Thread</span>
      <span>Assistant</span>
      {owner ? <span>Owner</span> : null}
      <span>Created</span>
      <span>Updated</span>
    </div>
  );
}
