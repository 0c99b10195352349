import type { Metadata } from "next";
import { Suspense } from "react";
import { Loading } from "@/components/states.tsx";
import { ThreadsList } from "@/components/threads/threads-list.tsx";
import { currentViewer } from "@/lib/session.ts";

export const metadata: Metadata = { title: "Threads · LangGraph Run Server" };

/** Threads: the caller's threads (every operator's for an admin), live. */
export default async function ThreadsPage() {
  const viewer = await currentViewer();
  return (
    <>
      <h1>Threads</h1>
      <p className="muted">
        {viewer?.role === "admin" ? "Every operator's threads" : "Your threads"}, newest first. Statuses change as their runs start and end.
      </p>
      {/* the filters are read from the address */}
      <Suspense fallback={<Loading what="threads" />}>
        <ThreadsList admin={viewer?.role === "admin"} />
      </Suspense>
    </>
  );
}
