import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

type Out = inferRouterOutputs<AppRouter>;

export type AssistantRow = Out["assistants"]["list"]["items"][number];
export type AssistantVersionRow = Out["assistants"]["versions"][number];

/** The server makes one default assistant per graph (`metadata.created_by: "system"`); nobody changes those. */
export function isDefaultAssistant(a: { metadata: unknown }): boolean {
  const m = a.metadata;
  return m !== null && typeof m === "object" && !Array.isArray(m) && (m as Record<string, unknown>).created_by === "system";
}
