"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { isInFlight } from "@/lib/format.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { latestNonChatValues, latestReply, textOf } from "./stream-state.ts";
import type { RunStream } from "./use-run-stream.ts";
import styles from "./run-detail.module.css";

/** The last user message the run was started with, if its input was a chat turn. */
function askedText(kwargs: unknown): string | null {
  const input = (kwargs as { input?: { messages?: unknown } } | null)?.input;
  const messages = Array.isArray(input?.messages) ? (input.messages as unknown[]) : [];
  for (const message of messages.toReversed()) {
    if (typeof message === "string") return message;
    const m = message as { role?: unknown; type?: unknown; content?: unknown };
    if (m.role === "user" || m.role === "human" || m.type === "human") return textOf(m.content);
  }
  return null;
}

const STATE_CHARS = 4000;

function pretty(value: unknown): string {
  const json = JSON.stringify(value, null, 2) ?? "null";
  return json.length > STATE_CHARS ? `${json.slice(0, STATE_CHARS)}\n…` : json;
}

/** What a graph's `interrupt()` asked, from the `__interrupt__` of its values: the question, if it has one. */
function questionsOf(interrupts: unknown): string[] {
  if (!Array.isArray(interrupts)) return [];
  return interrupts.map((i) => {
    const value = (i as { value?: unknown } | null)?.value;
    if (typeof value === "string") return value;
    const question = (value as { question?: unknown } | null)?.question;
    return typeof question === "string" ? question : "the graph waits for an answer";
  });
}

/** Splits a state's pending interrupts (`__interrupt__`) from its values. */
function splitInterrupts(state: unknown): { values: unknown; questions: string[] } {
  if (!state || typeof state !== "object" || Array.isArray(state) || !("__interrupt__" in state)) return { values: state, questions: [] };
  const { __interrupt__: interrupts, ...values } = state as Record<string, unknown>;
  return { values, questions: questionsOf(interrupts) };
}

function isEmptyObject(value: unknown): boolean {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** What the graph asked, and the way to the thread's answer form while the question is still open. */
function AnswerLink({ threadId, questions }: { threadId: string; questions: string[] }) {
  const trpc = useTRPC();
  const state = useQuery(trpc.threads.state.queryOptions({ threadId }));
  const open = (state.data?.interrupts.length ?? 0) > 0;
  return (
    <div className={styles.notice} role="note" aria-label="Waiting for an answer">
      <p className={styles.tight}>
        The graph stopped to ask: <strong>{questions.join(" · ")}</strong>
      </p>
      {state.isPending || open ? (
        <Link href={`/threads/${threadId}#answer`} className="btn btn-primary">
          Answer on the thread page
        </Link>
      ) : (
        <p className={styles.tight}>
          It has been answered since: see <Link href={`/threads/${threadId}`}>the thread</Link>.
        </p>
      )}
    </div>
  );
}

interface ReplyRun {
  status: string;
  kwargs: unknown;
  threadId: string;
  rolledBackAt: Date | null;
}

/**
 * What the run was asked, and the agent's reply growing as its tokens arrive. A
 * graph that stopped to ask a human links to the thread's answer form; a rolled-back
 * run's values are gone from its thread, and the page says so instead of showing them.
 */
export function AgentReply({ stream, run }: { stream: RunStream; run: ReplyRun }) {
  const { status } = run;
  const reply = latestReply(stream);
  const asked = askedText(run.kwargs);
  const writing = isInFlight(status) && stream.endStatus === null;
  const rolledBack = run.rolledBackAt !== null;
  const latest = reply === null ? latestNonChatValues(stream) : undefined;
  const { values: state, questions } = rolledBack ? { values: undefined, questions: [] } : splitInterrupts(latest);
  return (
    <div className={`card ${styles.card}`}>
      <div className="card-head">
        <h2>Agent reply</h2>
        {writing && reply !== null ? <span className="muted">writing…</span> : null}
      </div>
      {asked !== null ? (
        <p className={styles.asked}>
          <span className="muted">Asked: </span>
          {asked}
        </p>
      ) : null}
      {rolledBack ? (
        <p className={styles.notice} role="note" aria-label="Values discarded">
          Its values were discarded: the run&apos;s checkpoints were removed, and its thread is as it was before the run started.
        </p>
      ) : null}
      {questions.length > 0 ? <AnswerLink threadId={run.threadId} questions={questions} /> : null}
      <div role="region" aria-label="Agent reply" aria-busy={writing} className={styles.reply} data-writing={writing || undefined}>
        {reply}
      </div>
      {state !== undefined && !isEmptyObject(state) ? (
        <div className={styles.state} role="region" aria-label="Latest state">
          <p className="muted">This graph&apos;s state is not a conversation; its latest values:</p>
          <pre>{pretty(state)}</pre>
        </div>
      ) : reply === null && questions.length === 0 && !rolledBack ? (
        <p className="muted">
          {writing
            ? status === "pending"
              ? "The run has not started yet; its reply will appear here as it is written."
              : "Waiting for the agent's first words…"
            : "This run produced no agent message (see its events below)."}
        </p>
      ) : null}
    </div>
  );
}
