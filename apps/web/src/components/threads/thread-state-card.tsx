"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc.tsx";
import { ErrorState, Loading } from "@/components/states.tsx";
import { LocalTime } from "@/components/local-time.tsx";
import { JsonBlock } from "./json-block.tsx";
import { MessagesList } from "./messages-list.tsx";
import { NextNodes } from "./next-nodes.tsx";
import { objectOf, type ThreadState } from "./types.ts";
import styles from "./thread-detail.module.css";

/** The thread's current values (a conversation when they hold `messages`) and the nodes it runs next. */
export function ThreadStateCard({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const state = useQuery(trpc.threads.state.queryOptions({ threadId }));
  return (
    <section className="card" aria-labelledby="state-title">
      <div className="card-head">
        <h2 id="state-title">State</h2>
        {state.isFetching && !state.isPending ? <span className="muted">updating…</span> : null}
      </div>
      {state.isPending ? (
        <Loading what="state" />
      ) : state.isError ? (
        <ErrorState error={state.error} retry={() => void state.refetch()} />
      ) : (
        <StateBody state={state.data} />
      )}
    </section>
  );
}

function StateBody({ state }: { state: ThreadState }) {
  const values = objectOf(state.values);
  const messages = Array.isArray(values.messages) ? (values.messages as unknown[]) : null;
  const empty = Object.keys(values).length === 0 && !state.checkpoint;
  if (empty) return <p className="muted">No state yet: no run has written to this thread.</p>;
  return (
    <>
      <dl className={`facts ${styles.facts}`}>
        <dt>Next</dt>
        <dd>
          <NextNodes next={state.next} />
        </dd>
        <dt>As of</dt>
        <dd>
          <LocalTime value={state.createdAt} />
        </dd>
      </dl>
      {messages ? (
        <>
          <h3 className={styles.subhead}>Messages</h3>
          <MessagesList messages={messages} />
        </>
      ) : null}
      {messages ? (
        <details className={styles.raw}>
          <summary>All values as JSON</summary>
          <JsonBlock value={state.values} label="State values" />
        </details>
      ) : (
        <>
          <h3 className={styles.subhead}>Values</h3>
          <JsonBlock value={state.values} label="State values" />
        </>
      )}
    </>
  );
}
