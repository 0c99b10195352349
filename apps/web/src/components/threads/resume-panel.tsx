"use client";

import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { AssistantNameOf } from "@/components/list-filters/assistant-name.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { isInFlight, shortId } from "@/lib/format.ts";
import { InterruptValue } from "./interrupt-value.tsx";
import { stringField, type RunRow, type ThreadRow } from "./types.ts";
import styles from "./thread-detail.module.css";

/**
 * A pending interrupt (what the graph asks) with a form that resumes it as a new
 * run, and the run it was last resumed with. The page's live updates refresh the
 * state when that run ends, which removes the answered interrupt.
 */
export function ResumePanel({ thread }: { thread: ThreadRow }) {
  const trpc = useTRPC();
  const state = useQuery(trpc.threads.state.queryOptions({ threadId: thread.id }));
  const [created, setCreated] = useState<RunRow | null>(null);
  // the resumed run's status, refreshed with the thread as it changes
  const live = useQuery(trpc.runs.get.queryOptions(created ? { runId: created.id } : skipToken));
  const resumed = created ? (live.data ?? created) : null;
  const interrupts = state.data?.interrupts ?? [];
  if (interrupts.length === 0 && !resumed) return null;
  return (
    <section className={`card ${interrupts.length > 0 ? styles.pending : ""}`} aria-labelledby="interrupt-title">
      <div className="card-head">
        <h2 id="interrupt-title">{interrupts.length > 0 ? "Pending interrupt" : "Resumed"}</h2>
        {interrupts.length > 0 ? <StatusBadge status="interrupted" label="Thread" /> : null}
      </div>
      {interrupts.length > 0 ? (
        <>
          {interrupts.map((it, i) => (
            <InterruptValue key={it.id ?? i} value={it.value} />
          ))}
          <ResumeForm
            thread={thread}
            busy={thread.status === "busy" || (resumed !== null && isInFlight(resumed.status))}
            onResumed={setCreated}
          />
        </>
      ) : null}
      {resumed ? <ResumedRun run={resumed} /> : null}
    </section>
  );
}

function ResumeForm({ thread, busy, onResumed }: { thread: ThreadRow; busy: boolean; onResumed: (run: RunRow) => void }) {
  const trpc = useTRPC();
  const inputId = useId();
  const [text, setText] = useState("");
  const assistantId = stringField(thread.metadata, "assistant_id") ?? stringField(thread.metadata, "graph_id");
  const create = useMutation(
    trpc.runs.create.mutationOptions({
      onSuccess: (run) => {
        setText("");
        onResumed(run);
      },
    }),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!assistantId || !text.trim()) return;
    create.mutate({ threadId: thread.id, assistantId, command: { resume: text } });
  }
  if (!assistantId) return <p className="error-box">This thread has no assistant or graph recorded, so it cannot be resumed from here.</p>;
  return (
    <form className={`form ${styles.resumeForm}`} onSubmit={submit} aria-label="Resume">
      <label htmlFor={inputId}>Answer</label>
      <div className={styles.resumeRow}>
        <input
          id={inputId}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Your answer"
          autoComplete="off"
          disabled={create.isPending}
        />
        <button type="submit" className="btn btn-primary" disabled={create.isPending || busy || !text.trim()}>
          {create.isPending ? "Resuming…" : "Resume"}
        </button>
      </div>
      <p className="muted">
        Starts a new run of <AssistantNameOf assistantId={assistantId} /> on this thread with your answer as the resume value.
      </p>
      {create.isError ? (
        <p className="error-box" role="alert">
          Could not resume: {create.error.message}
        </p>
      ) : null}
    </form>
  );
}

/** The run started by the last Resume, with its current status. */
function ResumedRun({ run: current }: { run: RunRow }) {
  return (
    <p className={styles.resumed} role="status">
      Resumed as run{" "}
      <Link href={`/runs/${current.id}`} aria-label={`Run ${current.id}`}>
        <code>{shortId(current.id)}</code>
      </Link>{" "}
      <StatusBadge status={current.status} label="Resumed run" />
    </p>
  );
}
