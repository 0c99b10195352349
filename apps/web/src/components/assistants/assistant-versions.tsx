"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { ApiError } from "@/components/new-run/api-error.tsx";
import { ErrorState, Loading } from "@/components/states.tsx";
import { JsonBlock } from "@/components/threads/json-block.tsx";
import type { AssistantVersionRow } from "./types.ts";
import styles from "./assistants.module.css";

const PAGE_SIZE = 20;

/**
 * The assistant's versions, newest first, each with what it set; any but the current
 * one can be made current (its owner or an admin may; the server says no to others,
 * and to the default assistants, which are read-only).
 */
export function AssistantVersions({ assistant, readOnly }: { assistant: { id: string; version: number }; readOnly: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(PAGE_SIZE);
  const versions = useQuery(trpc.assistants.versions.queryOptions({ assistantId: assistant.id, limit }));
  const setLatest = useMutation(
    trpc.assistants.setLatest.mutationOptions({
      meta: { success: (v) => `Version ${(v as { version: number }).version} is now current` },
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.assistants.get.pathFilter()),
          queryClient.invalidateQueries(trpc.assistants.versions.pathFilter()),
          queryClient.invalidateQueries(trpc.assistants.list.pathFilter()),
        ]),
    }),
  );
  const rows = versions.data ?? [];
  return (
    <section className="card" aria-label="Versions">
      <div className="card-head">
        <h2>Versions</h2>
      </div>
      {readOnly ? <p className="muted">The default assistant of a graph is read-only: it has one version.</p> : null}
      {setLatest.isError ? <ApiError title="Could not make that version current" error={setLatest.error} /> : null}
      {versions.isPending ? (
        <Loading what="versions" />
      ) : versions.isError ? (
        <ErrorState error={versions.error} retry={() => void versions.refetch()} />
      ) : (
        <>
          <ol className={styles.versions} aria-label="Versions, newest first">
            {rows.map((v) => (
              <VersionItem
                key={v.version}
                version={v}
                current={v.version === assistant.version}
                busy={setLatest.isPending}
                canSet={!readOnly}
                onSet={() => setLatest.mutate({ assistantId: assistant.id, version: v.version })}
              />
            ))}
          </ol>
          {rows.length === limit ? (
            <button type="button" className={`btn ${styles.more}`} onClick={() => setLimit((n) => n + PAGE_SIZE)}>
              Show older versions
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function VersionItem(props: { version: AssistantVersionRow; current: boolean; busy: boolean; canSet: boolean; onSet: () => void }) {
  const { version: v, current } = props;
  return (
    <li className={styles.version} aria-current={current ? "true" : undefined} data-version={v.version}>
      <div className={styles.versionHead}>
        <strong>v{v.version}</strong>
        <span>{v.name}</span>
        <span className="muted">graph {v.graphId}</span>
        <LocalTime value={v.createdAt} />
        {current ? (
          <span className={`badge badge-ok ${styles.action}`}>current</span>
        ) : props.canSet ? (
          <button type="button" className={`btn ${styles.action}`} disabled={props.busy} onClick={props.onSet}>
            Make current
          </button>
        ) : null}
      </div>
      <details>
        <summary className="muted">Config, context and metadata</summary>
        <JsonBlock value={{ config: v.config, context: v.context, metadata: v.metadata }} label={`Version ${v.version}`} />
      </details>
    </li>
  );
}
