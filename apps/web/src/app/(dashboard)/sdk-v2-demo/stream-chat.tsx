"use client";

import { useStream } from "@langchain/react";
import { useRouter, useSearchParams } from "next/navigation";
import { ChatPanel, tokenDelayOf } from "@/components/chat/chat-panel.tsx";
import { WithApiUrl } from "@/components/chat/with-api-url.tsx";

export function StreamChat() {
  return <WithApiUrl>{(apiUrl) => <Chat apiUrl={apiUrl} />}</WithApiUrl>;
}

function Chat({ apiUrl }: { apiUrl: string }) {
  const router = useRouter();
  const params = useSearchParams();
  const assistantId = params.get("assistant") ?? "agent";
  const transport = params.get("transport") === "websocket" ? "websocket" : "sse";
  const tokenDelayMs = tokenDelayOf(params.get("token_delay_ms"));
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

  return (
    <ChatPanel
      title={
        <>
          Assistant <code>{assistantId}</code> over <code>{transport}</code>
        </>
      }
      streaming={stream.isLoading}
      lines={stream.messages.map((m, i) => ({ key: m.id ?? String(i), type: m.type, text: m.text }))}
      error={stream.error}
      onSend={(text) =>
        void stream.submit(
          { messages: [{ type: "human", content: text }] },
          tokenDelayMs !== undefined ? { config: { configurable: { token_delay_ms: tokenDelayMs } } } : undefined,
        )
      }
      onStop={() => void stream.stop()}
    />
  );
}
