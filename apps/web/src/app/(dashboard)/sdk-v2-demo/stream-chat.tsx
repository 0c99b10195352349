"use client";

import { useStream } from "@langchain/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";

/** `?token_delay_ms=`: the bundled fake model's pause before each token (a slower reply to watch, stop or rejoin). */
function tokenDelayOf(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Rendered in the browser only: the API URL is this page's origin. */
export function StreamChat() {
  const [origin, setOrigin] = useState<string | null>(null);
  useEffect(() => setOrigin(window.location.origin), []);
  return origin ? <Chat apiUrl={`${origin}/api/langgraph`} /> : null;
}

function Chat({ apiUrl }: { apiUrl: string }) {
  const router = useRouter();
  const params = useSearchParams();
  const assistantId = params.get("assistant") ?? "agent";
  const transport = params.get("transport") === "websocket" ? "websocket" : "sse";
  const tokenDelayMs = tokenDelayOf(params.get("token_delay_ms"));
  const [draft, setDraft] = useState("");
  const stream = useStream({
    // same origin: the session cookie authenticates the commands, the event stream and the socket
    apiUrl,
    assistantId,
    transport,
    threadId: params.get("thread"),
    // the thread lives in the URL, so a reload finds it and rejoins its run; other parameters stay
    onThreadId: (id) => {
      const next = new URLSearchParams(window.location.search);
      next.set("thread", id);
      router.replace(`?${next}`);
    },
    messagesKey: "messages",
  });

  function send(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    void stream.submit(
      { messages: [{ type: "human", content: draft }] },
      tokenDelayMs !== undefined ? { config: { configurable: { token_delay_ms: tokenDelayMs } } } : undefined,
    );
    setDraft("");
  }

  const streaming = stream.isLoading;
  return (
    <section className="card chat" aria-label="Chat">
      <div className="card-head">
        <h2>
          Assistant <code>{assistantId}</code> over <code>{transport}</code>
        </h2>
        <span role="status" aria-label="Run status" className={`badge ${streaming ? "badge-live" : "badge-idle"}`}>
          {streaming ? "Streaming" : "Idle"}
        </span>
      </div>
      {stream.messages.length === 0 ? (
        <p className="chat-empty muted">No messages yet: send one to start a thread.</p>
      ) : (
        <ol className="chat-messages" aria-label="Messages">
          {stream.messages.map((m, i) => (
            <li key={m.id ?? i} className="chat-message" data-role={m.type}>
              <span className="chat-author">{m.type === "human" ? "You" : "Agent"}</span>
              <span className="chat-text" data-testid={`message-${m.type}`}>
                {m.text}
              </span>
            </li>
          ))}
        </ol>
      )}
      {stream.error ? (
        <p role="alert" className="error">
          {String((stream.error as Error).message ?? stream.error)}
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
        <button type="button" className="btn" onClick={() => void stream.stop()} disabled={!streaming}>
          Stop
        </button>
      </form>
    </section>
  );
}
