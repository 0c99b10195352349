import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { StreamChat } from "./stream-chat.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Protocol v2 demo · LangGraph Run Server" };

/**
 * A small chat on `@langchain/react`'s `useStream` (the thread-centric v2
 * protocol: commands and an SSE event stream, or one WebSocket with
 * `?transport=websocket`) against this server's `/api/langgraph`, authenticated
 * by the signed-in session's cookie.
 */
export default function SdkV2DemoPage() {
  return (
    <div className="narrow-page">
      <header>
        <h1>LangGraph protocol v2 demo</h1>
        <p className="muted">
          <code>useStream</code> from <code>@langchain/react</code> against <code>/api/langgraph</code>. See also{" "}
          <Link href="/sdk-demo">the SDK's classic useStream demo</Link>.
        </p>
      </header>
      <Suspense>
        <StreamChat />
      </Suspense>
    </div>
  );
}
