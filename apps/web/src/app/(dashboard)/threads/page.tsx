import type { Metadata } from "next";
import { ThreadsList } from "@/components/threads/threads-list.tsx";

export const metadata: Metadata = { title: "Threads · LangGraph Run Server" };

export default function ThreadsPage() {
  return (
    <>
      <h1>Threads</h1>
      <ThreadsList />
    </>
  );
}
