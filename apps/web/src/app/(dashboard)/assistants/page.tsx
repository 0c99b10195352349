import type { Metadata } from "next";
import { AssistantsList } from "@/components/assistants/assistants-list.tsx";

export const metadata: Metadata = { title: "Assistants · LangGraph Run Server" };

export default function AssistantsPage() {
  return (
    <>
      <h1>Assistants</h1>
      <AssistantsList />
    </>
  );
}
