import { Suspense } from "react";
import { StreamChat } from "./stream-chat.tsx";

export const dynamic = "force-dynamic";

/**
 * A small chat on `@langchain/react`'s `useStream` (the thread-centric v2
 * protocol: commands and an SSE event stream, or one WebSocket with
 * `?transport=websocket`) against this server's `/api/langgraph`, authenticated
 * by the signed-in session's cookie.
 */
export default function SdkV2DemoPage() {
  return (
    <main className="page">
      <header className="hero">
        <h1>LangGraph protocol v2 demo</h1>
        <p className="tagline">
          <code>useStream</code> from <code>@langchain/react</code> against <code>/api/langgraph</code>.
        </p>
      </header>
      <Suspense>
        <StreamChat />
      </Suspense>
    </main>
  );
}
