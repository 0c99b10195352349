"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { CURSOR_PAGES } from "@/lib/cursor-pages.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { EmptyState, ErrorState, Loading } from "@/components/states.tsx";
import { isDefaultAssistant, type AssistantRow } from "./types.ts";
import styles from "./assistants.module.css";

const PAGE_SIZE = 25;

/** Every assistant (they are shared for reading), newest first: name, graph, current version. */
export function AssistantsList() {
  const trpc = useTRPC();
  const query = useInfiniteQuery(trpc.assistants.list.infiniteQueryOptions({ limit: PAGE_SIZE }, CURSOR_PAGES));
  // graphs reload: an assistant whose graph is gone stays listed (its history stays readable), marked unavailable
  const served = useQuery(trpc.graphs.status.queryOptions());
  const loaded = served.data ? new Set(served.data.versions.map((v) => v.graphId)) : null;
  const assistants = query.data?.pages.flatMap((p) => p.items) ?? [];
  if (query.isPending) return <Loading what="assistants" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (assistants.length === 0) {
    return <EmptyState title="No assistants">The server makes one for each graph it loads; none is loaded.</EmptyState>;
  }
  return (
    <>
      <ul className={styles.list} aria-label="Assistants">
        {assistants.map((a) => (
          <AssistantItem key={a.id} assistant={a} unavailable={loaded !== null && !loaded.has(a.graphId)} />
        ))}
      </ul>
      {query.hasNextPage ? (
        <button
          type="button"
          className={`btn ${styles.more}`}
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </>
  );
}

function AssistantItem({ assistant: a, unavailable }: { assistant: AssistantRow; unavailable: boolean }) {
  return (
    <li className={styles.item}>
      <span className={styles.name}>
        <Link href={`/assistants/${a.id}`}>{a.name}</Link>
        {isDefaultAssistant(a) ? <span className="badge badge-idle">default</span> : null}
        {unavailable ? (
          <span className="badge badge-bad" title="its graph is not loaded on this server: new runs are refused">
            unavailable
          </span>
        ) : null}
      </span>
      <span>
        <span className="muted">graph </span>
        {a.graphId}
      </span>
      <span>
        <span className="muted">version </span>
        {a.version}
      </span>
      <span className={styles.time}>
        <span className="muted">updated </span>
        <LocalTime value={a.updatedAt} />
      </span>
    </li>
  );
}
