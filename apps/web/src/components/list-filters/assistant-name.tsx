"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/lib/trpc.tsx";
import { assistantLabel } from "./assistant-names.ts";

/**
 * An assistant by its name, linked to its page, where a page knows only its id; the
 * id shows while the name loads, or when the assistant is gone (deleted, or a graph
 * id recorded instead).
 */
export function AssistantNameOf({ assistantId }: { assistantId: string }) {
  const trpc = useTRPC();
  const assistant = useQuery({ ...trpc.assistants.get.queryOptions({ assistantId }), retry: false });
  if (!assistant.data) return <code>{assistantId}</code>;
  return (
    <Link href={`/assistants/${assistant.data.id}`} title={assistant.data.id}>
      {assistantLabel(assistant.data)}
    </Link>
  );
}
