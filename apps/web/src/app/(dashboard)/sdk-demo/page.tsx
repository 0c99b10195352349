import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { SdkChat } from "./sdk-chat.tsx";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "SDK demo · LangGraph Run Server" };

/**
 * A small chat on the official LangGraph SDK's `useStream` hook, talking to this
 * server's LangGraph Platform API (`/api/langgraph`) with the signed-in session:
 * what an existing LangGraph app looks like after changing one URL.
 */
export default function SdkDemoPage() {
  return (
    <div className="narrow-page">
      <header>
        <h1>LangGraph SDK demo</h1>
        <p className="muted">
          <code>useStream</code> from <code>@langchain/langgraph-sdk/react</code> against <code>/api/langgraph</code>. See also{" "}
          <Link href="/sdk-v2-demo">the protocol v2 demo</Link>.
        </p>
      </header>
      <Suspense>
        <SdkChat />
      </Suspense>
    </div>
  );
}
