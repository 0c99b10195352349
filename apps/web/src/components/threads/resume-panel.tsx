"use client";

import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { AssistantNameOf } from "@/components/list-filters/assistant-name.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { isInFlight, shortId } from "@/lib/format.ts";
import { InterruptValue } from "./interrupt-value.tsx";
import { objectOf, stringField, type RunRow, type ThreadRow } from "./types.ts";
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
    <section id="answer" className={`card ${interrupts.length > 0 ? styles.pending : ""}`} aria-labelledby="interrupt-title">
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
            interrupt={interrupts[0]?.value}
            busy={thread.status === "busy" || (resumed !== null && isInFlight(resumed.status))}
            onResumed={setCreated}
          />
        </>
      ) : null}
      {resumed ? <ResumedRun run={resumed} /> : null}
    </section>
  );
}

/**
 * How an interrupt wants to be answered: one of its `options` (buttons), and free
 * text only when it asks for it (`allow_free_text`/`free_text`/`allow_respond`) or
 * offers no options at all. A typed answer is never matched against the options.
 */
export function answerChoices(value: unknown): { options: { label: string; value: unknown }[]; freeText: boolean } {
  const obj = objectOf(value);
  const options = Array.isArray(obj.options)
    ? obj.options.map((o) => ({ label: typeof o === "string" ? o : JSON.stringify(o), value: o as unknown }))
    : [];
  const config = objectOf(obj.config);
  const asks = [obj.allow_free_text, obj.free_text, obj.allowFreeText, config.allow_respond, config.allow_free_text].some(
    (f) => f === true,
  );
  return { options, freeText: options.length === 0 || asks };
}

function ResumeForm({
  thread,
  interrupt,
  busy,
  onResumed,
}: {
  thread: ThreadRow;
  interrupt: unknown;
  busy: boolean;
  onResumed: (run: RunRow) => void;
}) {
  const trpc = useTRPC();
  const inputId = useId();
  const [text, setText] = useState("");
  const assistantId = stringField(thread.metadata, "assistant_id") ?? stringField(thread.metadata, "graph_id");
  const { options, freeText } = answerChoices(interrupt);
  const create = useMutation(
    trpc.runs.create.mutationOptions({
      onSuccess: (run) => {
        setText("");
        onResumed(run);
      },
    }),
  );
  function answer(value: unknown) {
    if (!assistantId) return;
    create.mutate({ threadId: thread.id, assistantId, command: { resume: value } });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (text.trim()) answer(text);
  }
  if (!assistantId) return <p className="error-box">This thread has no assistant or graph recorded, so it cannot be resumed from here.</p>;
  const disabled = create.isPending || busy;
  return (
    <form className={`form ${styles.resumeForm}`} onSubmit={submit} aria-label="Resume">
      {options.length > 0 ? (
        <fieldset className={styles.answerOptions}>
          <legend>Answer</legend>
          {options.map((o) => (
            <button key={o.label} type="button" className="btn" disabled={disabled} onClick={() => answer(o.value)}>
              {o.label}
            </button>
          ))}
        </fieldset>
      ) : null}
      {freeText ? (
        <>
          <label htmlFor={inputId}>{options.length > 0 ? "Or answer in your own words" : "Answer"}</label>
          <div className={styles.resumeRow}>
            <input
              id={inputId}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="Your answer"
              autoComplete="off"
              disabled={create.isPending}
            />
            <button type="submit" className="btn btn-primary" disabled={disabled || !text.trim()}>
              {create.isPending ? "Resuming…" : "Resume"}
            </button>
          </div>
        </>
      ) : null}
      <p className="muted">
        {create.isPending ? "Resuming… " : ""}Starts a new run of <AssistantNameOf assistantId={assistantId} /> on this thread with your
        answer as the resume value.
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
