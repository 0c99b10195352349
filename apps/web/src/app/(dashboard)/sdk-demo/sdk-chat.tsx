"use client";

import { useStream } from "@langchain/langgraph-sdk/react";
import type { Message } from "@langchain/langgraph-sdk";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";

type State = { messages: Message[] };

function textOf(message: Message): string {
  const { content } = message;
  if (typeof content === "string") return content;
  return content.map((part) => ("text" in part ? part.text : "")).join("");
}

/** `?token_delay_ms=`: the bundled fake model's pause before each token (a slower reply to watch, stop or rejoin). */
function tokenDelayOf(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Rendered in the browser only: the API URL is this page's origin. */
export function SdkChat() {
  const [origin, setOrigin] = useState<string | null>(null);
  useEffect(() => setOrigin(window.location.origin), []);
  return origin ? <Chat apiUrl={`${origin}/api/langgraph`} /> : null;
}

function Chat({ apiUrl }: { apiUrl: string }) {
  const router = useRouter();
  const params = useSearchParams();
  const assistantId = params.get("assistant") ?? "agent";
  const tokenDelayMs = tokenDelayOf(params.get("token_delay_ms"));
  const [draft, setDraft] = useState("");
  const stream = useStream<State>({
    // same origin: the session cookie authenticates the SDK's requests
    apiUrl,
    assistantId,
    threadId: params.get("thread"),
    // the thread lives in the URL, so a reload finds it (and rejoins its run); other parameters stay
    onThreadId: (id) => {
      const next = new URLSearchParams(window.location.search);
      next.set("assistant", assistantId);
      next.set("thread", id);
      router.replace(`?${next}`);
    },
    reconnectOnMount: true,
    messagesKey: "messages",
  });

  function send(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    void stream.submit({ messages: [{ type: "human", content: draft }] } as Partial<State>, {
      streamResumable: true,
      onDisconnect: "continue",
      ...(tokenDelayMs !== undefined && { config: { configurable: { token_delay_ms: tokenDelayMs } } }),
    });
    setDraft("");
  }

  const streaming = stream.isLoading;
  return (
    <section className="card chat" aria-label="Chat">
      <div className="card-head">
        <h2>
          Assistant <code>{assistantId}</code>
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
                {textOf(m)}
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
