import type { RunnableGraph } from "./graph-source.ts";

export interface ThreadState {
  values: unknown;
  next: string[];
  interrupts: { value?: unknown; id?: string }[];
  checkpointId: string | null;
}

/** The thread's current state through its graph (values, next nodes, pending interrupts). */
export async function threadStateOf(graph: RunnableGraph, threadId: string): Promise<ThreadState> {
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  return {
    values: snapshot.values ?? null,
    next: snapshot.next ?? [],
    interrupts: (snapshot.tasks ?? []).flatMap((t) => t.interrupts ?? []),
    checkpointId: (snapshot.config?.configurable?.checkpoint_id as string | undefined) ?? null,
  };
}
