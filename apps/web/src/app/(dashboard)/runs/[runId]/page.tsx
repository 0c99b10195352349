import type { Metadata } from "next";
import { RunDetail } from "@/components/run-detail/run-detail.tsx";

export const metadata: Metadata = { title: "Run · LangGraph Run Server" };

/** /runs/{runId}: one run, live while it runs, replayed once it has finished. */
export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  // keyed by the run: a follow-up's page starts from an empty stream, not this run's
  return <RunDetail key={runId} runId={runId} />;
}
