"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import type { RunRow } from "./run-header.tsx";
import styles from "./run-detail.module.css";

/** A new user message on the same thread, to the same assistant: starts a run and opens its page. */
export function FollowUpForm({ run }: { run: RunRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [text, setText] = useState("");
  const start = useMutation(trpc.runs.create.mutationOptions({ onSuccess: (created) => router.push(`/runs/${created.id}`) }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const content = text.trim();
    if (!content) return;
    start.mutate({
      threadId: run.threadId,
      assistantId: run.assistantId,
      input: { messages: [{ role: "user", content }] },
      // token by token on the new run's page, and its final state
      streamMode: ["values", "messages-tuple"],
    });
  }

  return (
    <section className={`card ${styles.card}`} aria-labelledby="follow-up-heading">
      <div className="card-head">
        <h2 id="follow-up-heading">Follow-up</h2>
      </div>
      <form className="form" onSubmit={submit}>
        <label htmlFor="follow-up-text">Send a follow-up</label>
        <textarea
          id="follow-up-text"
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="A new message on this thread"
          required
        />
        <div className={styles.formRow}>
          <button type="submit" className="btn btn-primary" disabled={start.isPending || start.isSuccess || !text.trim()}>
            {start.isPending || start.isSuccess ? "Starting…" : "Send follow-up"}
          </button>
          <span className="muted">A new run on this thread.</span>
        </div>
        {start.isError ? (
          <p className="error-box" role="alert">
            Could not start the run: {start.error.message}
          </p>
        ) : null}
      </form>
    </section>
  );
}
