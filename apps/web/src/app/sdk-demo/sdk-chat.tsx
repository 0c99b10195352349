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
  const [draft, setDraft] = useState("");
  const stream = useStream<State>({
    // same origin: the session cookie authenticates the SDK's requests
    apiUrl,
    assistantId,
    threadId: params.get("thread"),
    // the thread lives in the URL, so a reload finds it (and rejoins its run)
    onThreadId: (id) => router.replace(`?${new URLSearchParams({ assistant: assistantId, thread: id })}`),
    reconnectOnMount: true,
    messagesKey: "messages",
  });

  function send(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    void stream.submit({ messages: [{ type: "human", content: draft }] } as Partial<State>, { streamResumable: true, onDisconnect: "continue" });
    setDraft("");
  }

  return (
    <section className="card" aria-label="Chat">
      <ol className="messages" aria-label="Messages">
        {stream.messages.map((m, i) => (
          <li key={m.id ?? i} data-role={m.type}>
            <strong>{m.type === "human" ? "You" : "Agent"}:</strong> <span data-testid={`message-${m.type}`}>{textOf(m)}</span>
          </li>
        ))}
      </ol>
      {stream.error ? <p role="alert">{String((stream.error as Error).message ?? stream.error)}</p> : null}
      <form onSubmit={send}>
        <label htmlFor="message">Message</label>
        <input id="message" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" disabled={stream.isLoading}>Send</button>
        <button type="button" onClick={() => void stream.stop()} disabled={!stream.isLoading}>Stop</button>
      </form>
      <p role="status" aria-label="Run status">{stream.isLoading ? "Streaming" : "Idle"}</p>
    </section>
  );
}
