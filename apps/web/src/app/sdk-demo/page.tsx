import { Suspense } from "react";
import { SdkChat } from "./sdk-chat.tsx";

export const dynamic = "force-dynamic";

/**
 * A small chat on the official LangGraph SDK's `useStream` hook, talking to this
 * server's LangGraph Platform API (`/api/langgraph`) with the signed-in session:
 * what an existing LangGraph app looks like after changing one URL.
 */
export default function SdkDemoPage() {
  return (
    <main className="page">
      <header className="hero">
        <h1>LangGraph SDK demo</h1>
        <p className="tagline">
          <code>useStream</code> from <code>@langchain/langgraph-sdk/react</code> against <code>/api/langgraph</code>.
        </p>
      </header>
      <Suspense>
        <SdkChat />
      </Suspense>
    </main>
  );
}
