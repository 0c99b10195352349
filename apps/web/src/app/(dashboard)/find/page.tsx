import type { Metadata } from "next";
import { FindResults } from "@/components/find/find-results.tsx";
import { currentViewer } from "@/lib/session.ts";

export const metadata: Metadata = { title: "Find · LangGraph Run Server" };

/** Find: the runs and threads a run id, thread id or text finds (?q=), searched in the database. */
export default async function FindPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const { q } = await searchParams;
  const viewer = await currentViewer();
  const text = typeof q === "string" ? q.trim() : "";
  return (
    <>
      <h1>Find</h1>
      <p className="muted">
        Runs and threads whose id, input, metadata or values contain the text, ignoring case
        {viewer?.role === "admin" ? ", of every operator" : ""}.
      </p>
      <FindResults key={text} text={text} admin={viewer?.role === "admin"} />
    </>
  );
}
