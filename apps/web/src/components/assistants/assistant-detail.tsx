"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/lib/trpc.tsx";
import { GraphView } from "@/components/graph-view/graph-view.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { ErrorState, Loading } from "@/components/states.tsx";
import { JsonBlock } from "@/components/threads/json-block.tsx";
import { errorCode } from "@/components/threads/types.ts";
import { AssistantVersions } from "./assistant-versions.tsx";
import { isDefaultAssistant } from "./types.ts";
import styles from "./assistants.module.css";

/** One assistant (by id, or a graph id for its default one): what it is now, and its versions. */
export function AssistantDetail({ assistantId }: { assistantId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.assistants.get.queryOptions({ assistantId }));
  if (query.isPending) return <Loading what="assistant" />;
  if (query.isError) {
    if (errorCode(query.error) === "NOT_FOUND") {
      return (
        <div className="card" role="alert">
          <h1>Assistant not found</h1>
          <p className="muted">
            No assistant <code>{assistantId}</code>. <Link href="/assistants">All assistants</Link>
          </p>
        </div>
      );
    }
    return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  }
  const a = query.data;
  const readOnly = isDefaultAssistant(a);
  return (
    <>
      <header className={styles.header}>
        <p className={styles.crumbs}>
          <Link href="/assistants">Assistants</Link> /
        </p>
        <h1 className={styles.title}>
          {a.name}
          {readOnly ? <span className="badge badge-idle">default</span> : null}
        </h1>
        <dl className={`facts ${styles.facts}`}>
          <dt>Id</dt>
          <dd>
            <code>{a.id}</code>
          </dd>
          <dt>Graph</dt>
          <dd>{a.graphId}</dd>
          <dt>Current version</dt>
          <dd data-testid="current-version">{a.version}</dd>
          <dt>Updated</dt>
          <dd>
            <LocalTime value={a.updatedAt} />
          </dd>
          {a.description ? (
            <>
              <dt>Description</dt>
              <dd>{a.description}</dd>
            </>
          ) : null}
        </dl>
      </header>
      <section className={`card ${styles.graph}`} aria-labelledby="assistant-graph-heading">
        <div className="card-head">
          <h2 id="assistant-graph-heading">Graph</h2>
        </div>
        {a.graph ? (
          <GraphView graph={a.graph} />
        ) : (
          <p className="muted">The graph {a.graphId} is not loaded on this server, so it cannot be drawn.</p>
        )}
      </section>
      <div className={styles.layout}>
        <AssistantVersions assistant={a} readOnly={readOnly} />
        <section className="card" aria-label="Current configuration">
          <div className="card-head">
            <h2>Current configuration</h2>
          </div>
          <h3 className={styles.subhead}>Config</h3>
          <JsonBlock value={a.config} label="Config" />
          <h3 className={styles.subhead}>Context</h3>
          <JsonBlock value={a.context} label="Context" />
          <h3 className={styles.subhead}>Metadata</h3>
          <JsonBlock value={a.metadata} label="Metadata" />
        </section>
      </div>
    </>
  );
}
