"use client";

import { useState, type FormEvent, type ReactNode } from "react";

/** One message as the panel shows it: who said it (the SDK's message type) and its text. */
export interface ChatLine {
  key: string;
  type: string;
  text: string;
}

/** `?token_delay_ms=`: the bundled fake model's pause before each token (a slower reply to watch, stop or rejoin). */
export function tokenDelayOf(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The chat both SDK demos draw, whichever hook feeds it: the messages, a status
 * badge, the stream's error, and a form that sends and stops.
 */
export function ChatPanel(props: {
  title: ReactNode;
  streaming: boolean;
  lines: ChatLine[];
  error: unknown;
  onSend: (text: string) => void;
  onStop: () => void;
}) {
  const { streaming, lines, error } = props;
  const [draft, setDraft] = useState("");
  function send(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    props.onSend(draft);
    setDraft("");
  }
  return (
    <section className="card chat" aria-label="Chat">
      <div className="card-head">
        <h2>{props.title}</h2>
        <span role="status" aria-label="Run status" className={`badge ${streaming ? "badge-live" : "badge-idle"}`}>
          {streaming ? "Streaming" : "Idle"}
        </span>
      </div>
      {lines.length === 0 ? (
        <p className="chat-empty muted">No messages yet: send one to start a thread.</p>
      ) : (
        <ol className="chat-messages" aria-label="Messages">
          {lines.map((m) => (
            <li key={m.key} className="chat-message" data-role={m.type}>
              <span className="chat-author">{m.type === "human" ? "You" : "Agent"}</span>
              <span className="chat-text" data-testid={`message-${m.type}`}>
                {m.text}
              </span>
            </li>
          ))}
        </ol>
      )}
      {error ? (
        <p role="alert" className="error">
          {String((error as Error).message ?? error)}
        </p>
      ) : null}
      <form className="chat-form" onSubmit={send}>
        <label htmlFor="message" className="sr-only">
          Message
        </label>
        <input
          id="message"
          className="chat-input"
          placeholder="Message the agent…"
          autoComplete="off"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={streaming}>
          Send
        </button>
        <button type="button" className="btn" onClick={props.onStop} disabled={!streaming}>
          Stop
        </button>
      </form>
    </section>
  );
}
