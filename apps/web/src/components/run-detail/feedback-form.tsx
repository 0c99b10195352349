"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ErrorState, Loading } from "@/components/states.tsx";
import { useTRPC } from "@/lib/trpc.tsx";
import styles from "./run-detail.module.css";

/** The key the dashboard's thumbs are saved under: one per operator and run, the latest replacing the first. */
export const FEEDBACK_KEY = "user_score";

/** The operator's own thumbs up (1) or down (0) and comment on the run. */
export function FeedbackForm({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  const list = useQuery(trpc.feedback.list.queryOptions({ runId, limit: 500 }));
  return (
    <section className={`card ${styles.card}`} aria-labelledby="feedback-heading">
      <div className="card-head">
        <h2 id="feedback-heading">Feedback</h2>
      </div>
      {me.isPending || list.isPending ? (
        <Loading what="your feedback" />
      ) : me.isError || list.isError ? (
        <ErrorState error={me.error ?? list.error} retry={() => void Promise.all([me.refetch(), list.refetch()])} />
      ) : (
        <FeedbackFields runId={runId} saved={list.data.items.find((f) => f.key === FEEDBACK_KEY && f.ownerId === me.data.userId) ?? null} />
      )}
    </section>
  );
}

/** A thumb drawn inline: emoji fonts are not on every operator's machine. */
function ThumbIcon({ up }: { up: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      className={styles.thumbIcon}
      style={up ? undefined : { transform: "rotate(180deg)" }}
    >
      <path
        d="M7 10v11H3V10h4Zm2 11V10l4.5-7.5c.9 0 2.5.6 2.5 2.5 0 1-.5 3-1 4h5.2c1.1 0 2 .9 1.8 2l-1.6 8.3c-.2.9-1 1.7-2 1.7H9Z"
        fill="currentColor"
      />
    </svg>
  );
}

function FeedbackFields({ runId, saved }: { runId: string; saved: { score: number; comment: string | null } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState(saved?.comment ?? "");
  const save = useMutation(
    trpc.feedback.create.mutationOptions({
      meta: { success: "Feedback saved" },
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.feedback.list.queryKey({ runId, limit: 500 }) }),
    }),
  );
  // while a choice is being saved it shows as chosen; otherwise what is saved
  const score = save.isPending ? save.variables.score : (save.data?.score ?? saved?.score ?? null);

  function give(next: 0 | 1) {
    save.mutate({ runId, key: FEEDBACK_KEY, score: next, comment: comment.trim() || null });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (score === null) return;
    save.mutate({ runId, key: FEEDBACK_KEY, score, comment: comment.trim() || null });
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Feedback on this run">
      <div className={styles.thumbs} role="group" aria-label="Score">
        <button
          type="button"
          className={`btn ${styles.thumb}`}
          aria-pressed={score === 1}
          onClick={() => give(1)}
          disabled={save.isPending}
        >
          <ThumbIcon up /> Thumbs up
        </button>
        <button
          type="button"
          className={`btn ${styles.thumb}`}
          aria-pressed={score === 0}
          onClick={() => give(0)}
          disabled={save.isPending}
        >
          <ThumbIcon up={false} /> Thumbs down
        </button>
      </div>
      <label htmlFor="feedback-comment">Comment</label>
      <textarea
        id="feedback-comment"
        rows={3}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        placeholder="What was good or wrong about this run?"
        maxLength={10_000}
      />
      <div className={styles.formRow}>
        <button type="submit" className="btn btn-primary" disabled={score === null || save.isPending}>
          Save feedback
        </button>
        <span role="status" className="muted">
          {save.isPending ? "Saving…" : save.isSuccess ? "Feedback saved." : score === null ? "Choose thumbs up or down first." : ""}
        </span>
      </div>
      {save.isError ? (
        <p className="error-box" role="alert">
          Could not save the feedback: {save.error.message}
        </p>
      ) : null}
    </form>
  );
}
