"use client";

import { useStream } from "@langchain/langgraph-sdk/react";
import type { Message } from "@langchain/langgraph-sdk";
import { useRouter, useSearchParams } from "next/navigation";
import { ChatPanel, tokenDelayOf } from "@/components/chat/chat-panel.tsx";
import { WithApiUrl } from "@/components/chat/with-api-url.tsx";

type State = { messages: Message[] };

function textOf(message: Message): string {
  const { content } = message;
  if (typeof content === "string") return content;
  return content.map((part) => ("text" in part ? part.text : "")).join("");
}

export function SdkChat() {
  return <WithApiUrl>{(apiUrl) => <Chat apiUrl={apiUrl} />}</WithApiUrl>;
}

function Chat({ apiUrl }: { apiUrl: string }) {
  const router = useRouter();
  const params = useSearchParams();
  const assistantId = params.get("assistant") ?? "agent";
  const tokenDelayMs = tokenDelayOf(params.get("token_delay_ms"));
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

  return (
    <ChatPanel
      title={
        <>
          Assistant <code>{assistantId}</code>
        </>
      }
      streaming={stream.isLoading}
      lines={stream.messages.map((m, i) => ({ key: m.id ?? String(i), type: m.type, text: textOf(m) }))}
      error={stream.error}
      onSend={(text) =>
        void stream.submit({ messages: [{ type: "human", content: text }] } as Partial<State>, {
          streamResumable: true,
          onDisconnect: "continue",
          ...(tokenDelayMs !== undefined && { config: { configurable: { token_delay_ms: tokenDelayMs } } }),
        })
      }
      onStop={() => void stream.stop()}
    />
  );
}
