import { randomUUID } from "node:crypto";
import type { Message, Part, Task, TaskState } from "@a2a-js/sdk";
import type { Run, RunStatus } from "@lgrs/runtime";

/** What a run's status is as an A2A task's state; a graph waiting for input is told apart by its thread. */
export function taskState(status: RunStatus, threadWaits: boolean): TaskState {
  switch (status) {
    case "pending":
      return "submitted";
    case "running":
      return "working";
    case "success":
      return threadWaits ? "input-required" : "completed";
    case "interrupted":
      return "canceled";
    case "error":
    case "timeout":
      return "failed";
  }
}

/** The text of a LangChain message's content: a string, or the text blocks of a list. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  const texts = content.flatMap((block) =>
    block && typeof block === "object" && (block as { type?: unknown }).type === "text"
      ? [String((block as { text?: unknown }).text ?? "")]
      : [],
  );
  return texts.length ? texts.join("") : null;
}

/** A message's kind, in either shape the state holds it in: plain (`type: "ai"`) or LangChain's serialized one. */
function messageKind(message: Record<string, unknown>): string | undefined {
  if (typeof message.type === "string" && message.type !== "constructor") return message.type;
  if (typeof message.role === "string") return message.role;
  const id = message.id;
  return Array.isArray(id) ? String(id[id.length - 1]) : undefined;
}

/** The last AI message's text in a messages state (A2A agents have one): what the agent answers. */
export function answerText(values: unknown): string | null {
  const messages = (values as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Record<string, unknown> | null;
    if (!m || typeof m !== "object") continue;
    const kind = messageKind(m);
    if (kind !== "ai" && kind !== "assistant" && kind !== "AIMessage" && kind !== "AIMessageChunk") continue;
    const kwargs = (m.kwargs as Record<string, unknown> | undefined) ?? m;
    return contentText(kwargs.content);
  }
  return null;
}

/** The parts of the agent's answer: its last AI message as text, else the whole state as data. */
export function answerParts(values: unknown): Part[] {
  const text = answerText(values);
  if (text !== null) return [{ kind: "text", text }];
  return [
    {
      kind: "data",
      data: (values && typeof values === "object" && !Array.isArray(values) ? values : { values }) as Record<string, unknown>,
    },
  ];
}

export function agentMessage(run: Run, parts: Part[]): Message {
  return { kind: "message", role: "agent", messageId: randomUUID(), taskId: run.id, contextId: run.threadId, parts };
}

export interface TaskView {
  run: Run;
  /** the thread's values once the run has ended; undefined while it is in flight */
  values?: unknown;
  error?: { type: string; message: string } | null;
  /** the thread waits for input (a graph interrupt) */
  threadWaits?: boolean;
}

/**
 * A run as an A2A task: its id is the run's, its context the run's thread. A
 * finished run carries the agent's answer as the status message and as the one
 * artifact; a failed one the error as the status message.
 */
export function runToTask({ run, values, error, threadWaits = false }: TaskView): Task {
  const state = taskState(run.status, threadWaits);
  const task: Task = {
    kind: "task",
    id: run.id,
    contextId: run.threadId,
    status: { state, timestamp: run.updatedAt.toISOString() },
    metadata: { assistant_id: run.assistantId, thread_id: run.threadId, run_id: run.id, run_status: run.status },
  };
  if (error) {
    task.status.message = agentMessage(run, [{ kind: "text", text: `${error.type}: ${error.message}` }]);
  } else if (values !== undefined && (state === "completed" || state === "input-required")) {
    const parts = answerParts(values);
    task.status.message = agentMessage(run, parts);
    task.artifacts = [{ artifactId: `${run.id}-answer`, name: "Assistant Response", parts }];
  }
  return task;
}
