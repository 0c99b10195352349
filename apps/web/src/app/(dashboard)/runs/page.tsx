import type { Metadata } from "next";
import { Suspense } from "react";
import { RunsTable } from "@/components/runs-table/runs-table.tsx";
import { Loading } from "@/components/states.tsx";
import { currentViewer } from "@/lib/session.ts";

export const metadata: Metadata = { title: "Runs · LangGraph Run Server" };

/** Runs: the caller's runs (every operator's for an admin), live. */
export default async function RunsPage() {
  const viewer = await currentViewer();
  return (
    <>
      <h1>Runs</h1>
      <p className="muted">
        {viewer?.role === "admin" ? "Every operator's runs" : "Your runs"}, newest first. New runs and status changes appear as they happen.
      </p>
      {/* the filters are read from the address */}
      <Suspense fallback={<Loading what="runs" />}>
        <RunsTable admin={viewer?.role === "admin"} />
      </Suspense>
    </>
  );
}
