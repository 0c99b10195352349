import type { Metadata } from "next";
import { ThreadDetail } from "@/components/threads/thread-detail.tsx";

export const metadata: Metadata = { title: "Thread · LangGraph Run Server" };

export default async function ThreadPage({ params }: { params: Promise<{ threadId: string }> }) {
  const { threadId } = await params;
  return <ThreadDetail threadId={threadId} />;
}
