import type { Metadata } from "next";
import { AssistantDetail } from "@/components/assistants/assistant-detail.tsx";

export const metadata: Metadata = { title: "Assistant · LangGraph Run Server" };

export default async function AssistantPage({ params }: { params: Promise<{ assistantId: string }> }) {
  const { assistantId } = await params;
  return <AssistantDetail assistantId={decodeURIComponent(assistantId)} />;
}
