import type { Metadata } from "next";
import { currentViewer } from "@/lib/session.ts";
import { UsageView } from "@/components/usage/usage-view.tsx";

export const metadata: Metadata = { title: "Usage · LangGraph Run Server" };

/** Tokens over time by model and by caller, for a chosen window (?window=24h|7d|30d). */
export default async function UsagePage({ searchParams }: { searchParams: Promise<{ window?: string | string[] }> }) {
  const { window } = await searchParams;
  // the layout has already turned a signed-out visit away
  const viewer = await currentViewer();
  return <UsageView initialWindow={typeof window === "string" ? window : undefined} seesAll={viewer?.role === "admin"} />;
}
