"use client";

import { isInFlight } from "@/lib/format.ts";
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

/** What the run was asked, and the agent's reply growing as its tokens arrive. */
export function AgentReply({ stream, status, input }: { stream: RunStream; status: string; input: unknown }) {
  const reply = latestReply(stream);
  const asked = askedText(input);
  const writing = isInFlight(status) && stream.endStatus === null;
  const state = reply === null ? latestNonChatValues(stream) : undefined;
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
      <div role="region" aria-label="Agent reply" aria-busy={writing} className={styles.reply} data-writing={writing || undefined}>
        {reply}
      </div>
      {state !== undefined ? (
        <div className={styles.state} role="region" aria-label="Latest state">
          <p className="muted">This graph&apos;s state is not a conversation; its latest values:</p>
          <pre>{pretty(state)}</pre>
        </div>
      ) : reply === null ? (
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
