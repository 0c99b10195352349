import type { Metadata } from "next";
import { NewRunForm } from "@/components/new-run/new-run-form.tsx";

export const metadata: Metadata = { title: "New run · LangGraph Run Server" };

/** Start a run: ?assistant= preselects an assistant (id or graph id), ?threadId= an existing thread. */
export default async function NewRunPage({
  searchParams,
}: {
  searchParams: Promise<{ assistant?: string | string[]; threadId?: string | string[] }>;
}) {
  const { assistant, threadId } = await searchParams;
  return (
    <>
      <h1>New run</h1>
      <p className="muted">Start a run of an assistant on a new thread or an existing one; you will follow it on its page.</p>
      <NewRunForm
        assistant={typeof assistant === "string" ? assistant : undefined}
        threadId={typeof threadId === "string" ? threadId : undefined}
      />
    </>
  );
}
