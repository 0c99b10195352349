/**
 * What the run detail page keeps of a run's event stream: the event log, the id
 * to resume from, and the agent's message text as it grows. Pure functions, so
 * the accumulation is the same live and on replay.
 */

import type { inferSubscriptionOutput } from "@trpc/server";
import type { AppRouter } from "@lgrs/api";

/** One item of `runs.stream`, as the subscription delivers it (a tracked id and its payload). */
export type StreamItem = inferSubscriptionOutput<AppRouter["runs"]["stream"]>;
/** The status a run's stream ends with. */
export type EndStatus = Extract<StreamItem["data"], { type: "end" }>["status"];

export interface LogEntry {
  id: string;
  event: string;
  summary: string;
  /** the event's whole data, shown when the entry is opened */
  data: unknown;
}

export interface StreamState {
  /** every event seen, oldest first (the log shows the latest of them) */
  log: LogEntry[];
  /** the last tracked id: a reconnect resumes after it */
  lastEventId: string | null;
  /** the final status the stream ended with; null while it is open */
  endStatus: EndStatus | null;
  /** ids of the messages the run started with (its input and the thread's history): not part of the reply */
  baseline: string[] | null;
  /** this run's AI messages, in the order they appeared, with their text so far */
  replies: { id: string; text: string }[];
  /** the graph's latest state (root `values` event), for graphs whose state is not a conversation */
  values: unknown;
  /** the root graph's nodes the run has gone through, in the order first seen */
  visited: string[];
  /** the root graph's node working now, as far as the events tell (null between steps) */
  current: string | null;
}

export const EMPTY_STREAM: StreamState = {
  log: [],
  lastEventId: null,
  endStatus: null,
  baseline: null,
  replies: [],
  values: undefined,
  visited: [],
  current: null,
};

const SUMMARY_CHARS = 160;

/** An event's data as one short line of JSON. */
export function summarize(data: unknown, max: number = SUMMARY_CHARS): string {
  let json: string;
  try {
    json = JSON.stringify(data) ?? "null";
  } catch {
    json = String(data);
  }
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}

/** The prefix of the events of a run started through the thread-centric protocol (`client.threads.stream`). */
const PROTOCOL_PREFIX = "protocol:";

/**
 * How the log shows an event. A protocol run stores `protocol:<method>` with
 * `{ namespace, node?, data }`: shown as its method, the subgraph it came from
 * (`research`, task ids left out) and the node, and a summary of its own data.
 */
export function logLineOf(event: string, data: unknown): { event: string; summary: string } {
  if (!event.startsWith(PROTOCOL_PREFIX) || !isRecord(data)) return { event, summary: summarize(data) };
  const method = event.slice(PROTOCOL_PREFIX.length);
  const namespace = Array.isArray(data.namespace) ? data.namespace.map((segment) => String(segment).split(":")[0]) : [];
  const where = [...namespace, ...(typeof data.node === "string" ? [data.node] : [])].join(" › ");
  return { event: where ? `${method} · ${where}` : method, summary: summarize(data.data) };
}

/** A message's text: its string content, or the text parts of a content list. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part: unknown) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
  }
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAi(message: Record<string, unknown>): boolean {
  const type = typeof message.type === "string" ? message.type : "";
  return type === "ai" || type === "AIMessageChunk" || type === "AIMessage";
}

function messageId(message: Record<string, unknown>, fallback: string): string {
  return typeof message.id === "string" && message.id ? message.id : fallback;
}

function setReply(replies: StreamState["replies"], id: string, text: (before: string) => string): StreamState["replies"] {
  const at = replies.findIndex((r) => r.id === id);
  if (at === -1) return [...replies, { id, text: text("") }];
  const next = replies.slice();
  next[at] = { id, text: text(replies[at]!.text) };
  return next;
}

/** The reply text after one event: token chunks add to it, partial/complete messages and state values replace it. */
function applyToReplies(state: StreamState, event: string, data: unknown, eventId: string): StreamState {
  // messages-tuple: [chunk, metadata], the chunk holding the new tokens only
  if ((event === "messages" || event.startsWith("messages|")) && Array.isArray(data) && isRecord(data[0])) {
    const chunk = data[0];
    if (!isAi(chunk)) return state;
    const delta = textOf(chunk.content);
    return { ...state, replies: setReply(state.replies, messageId(chunk, `stream-${eventId}`), (before) => before + delta) };
  }
  // messages: each item is the whole message so far
  if ((event === "messages/partial" || event === "messages/complete") && Array.isArray(data)) {
    let replies = state.replies;
    for (const message of data) {
      if (!isRecord(message) || !isAi(message)) continue;
      const text = textOf(message.content);
      // a complete message without text (a tool call) keeps the text streamed so far
      replies = setReply(replies, messageId(message, `stream-${eventId}`), (before) => text || before);
    }
    return { ...state, replies };
  }
  if (event === "values") state = { ...state, values: data };
  // the graph's state: the first one is what the run started from
  if (event === "values" && isRecord(data) && Array.isArray(data.messages)) {
    const messages = data.messages.filter(isRecord);
    if (state.baseline === null) {
      const baseline = messages.map((m, i) => messageId(m, `baseline-${i}`));
      // an AI message in the very first state is history, unless the stream already showed it being written
      return { ...state, baseline: baseline.filter((id) => !state.replies.some((r) => r.id === id)) };
    }
    let replies = state.replies;
    for (const [i, message] of messages.entries()) {
      const id = messageId(message, `values-${i}`);
      if (!isAi(message) || state.baseline.includes(id)) continue;
      const text = textOf(message.content);
      replies = setReply(replies, id, (before) => text || before);
    }
    return { ...state, replies };
  }
  return state;
}

function numeric(id: string | null): number {
  return id === null ? -1 : id === "end" ? Number.MAX_SAFE_INTEGER : Number(id);
}

/** The state after one stream item; an item at or before the last one seen (a resumed stream's overlap) is ignored. */
export function applyItem(state: StreamState, item: StreamItem): StreamState {
  if (state.lastEventId !== null && numeric(item.id) <= numeric(state.lastEventId)) return state;
  const base = { ...state, lastEventId: item.id };
  const payload = item.data;
  if (payload.type === "end") return { ...base, endStatus: payload.status };
  if (payload.type === "gap") {
    const entry = { id: item.id, event: "gap", summary: `events ${payload.fromId}–${payload.toId} are no longer available`, data: payload };
    return { ...base, log: [...state.log, entry] };
  }
  const entry = { id: item.id, ...logLineOf(payload.event, payload.data), data: payload.data };
  const path = applyToPath(base, payload.event, payload.data);
  return applyToReplies({ ...path, log: [...state.log, entry] }, payload.event, payload.data, item.id);
}

/**
 * Which root-graph node an event comes from, and whether it says that node is
 * starting or working (`start`) or has finished (`end`). A subgraph's events are
 * its parent node's (the first namespace segment, `node:taskId`): the graph view
 * draws subgraphs collapsed. Null for events that name no node (`values`).
 */
export function nodeStepOf(event: string, data: unknown): { nodes: string[]; phase: "start" | "end" } | null {
  let [mode = "", ...namespace] = event.split("|");
  if (mode.startsWith(PROTOCOL_PREFIX) && isRecord(data)) {
    mode = mode.slice(PROTOCOL_PREFIX.length);
    namespace = Array.isArray(data.namespace) ? data.namespace.map(String) : [];
    if (namespace.length === 0 && typeof data.node === "string") return { nodes: [data.node], phase: mode === "updates" ? "end" : "start" };
    data = data.data;
  }
  const parent = namespace[0]?.split(":")[0];
  if (parent) return { nodes: [parent], phase: "start" };
  if (mode === "updates" && isRecord(data)) return { nodes: Object.keys(data).filter((k) => !k.startsWith("__")), phase: "end" };
  if (mode === "messages" && Array.isArray(data) && isRecord(data[1]) && typeof data[1].langgraph_node === "string")
    return { nodes: [data[1].langgraph_node], phase: "start" };
  const task = mode === "debug" && isRecord(data) && (data.type === "task" || data.type === "task_result") ? data.payload : data;
  if ((mode === "tasks" || mode === "debug") && isRecord(task) && typeof task.name === "string")
    return { nodes: [task.name], phase: "input" in task || "triggers" in task ? "start" : "end" };
  return null;
}

/** The run's path after one event: the nodes it reached, and the one working now. */
function applyToPath(state: StreamState, event: string, data: unknown): StreamState {
  const step = nodeStepOf(event, data);
  if (!step) return event === "values" && state.current !== null ? { ...state, current: null } : state;
  const fresh = step.nodes.filter((n) => !state.visited.includes(n));
  const current = step.phase === "start" ? (step.nodes.at(-1) ?? null) : null;
  if (fresh.length === 0 && current === state.current) return state;
  return { ...state, visited: fresh.length ? [...state.visited, ...fresh] : state.visited, current };
}

/** The latest state when it is not a conversation (no `messages` list), else undefined. */
export function latestNonChatValues(state: StreamState): unknown {
  const { values } = state;
  if (values === undefined || (isRecord(values) && Array.isArray(values.messages))) return undefined;
  return values;
}

/** The latest AI message's text, or null when the run has not produced one. */
export function latestReply(state: StreamState): string | null {
  const last = state.replies.at(-1);
  return last ? last.text : null;
}
