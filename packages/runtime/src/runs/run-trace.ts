import { PROTOCOL_EVENT_PREFIX } from "./protocol-stream.ts";

export type TraceStepStatus = "running" | "success" | "error" | "interrupted";

/** One node execution of a run, as its recorded events show it. */
export interface TraceStep {
  /** the task id when the events give one, else made from the node and its order */
  id: string;
  node: string;
  /** the subgraph it ran in (`parent_node`, task ids left out); empty for the root graph */
  namespace: string[];
  startedAt: Date;
  /** null while it runs */
  endedAt: Date | null;
  status: TraceStepStatus;
  /** tokens of the model calls it made, when its messages report usage */
  tokens: number | null;
  /** the events it is made of, oldest first */
  eventIds: number[];
}

/** When an event was recorded and which node produced it (null when its data does not say). */
export interface TraceEvent {
  id: number;
  at: Date;
  node: string | null;
}

export interface RunTrace {
  steps: TraceStep[];
  events: TraceEvent[];
}

/** A stored event of the run: its id (seq), name, data and the time it was recorded. */
export interface RecordedEvent {
  seq: number;
  event: string;
  data: unknown;
  createdAt: Date;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An event read the same way whichever protocol recorded it: `mode|ns1|ns2` or `protocol:<method>` with `{ namespace, node, data }`. */
function normalize(e: RecordedEvent): { mode: string; namespace: string[]; node: string | null; data: unknown } {
  if (e.event.startsWith(PROTOCOL_EVENT_PREFIX) && isRecord(e.data)) {
    const namespace = Array.isArray(e.data.namespace) ? e.data.namespace.map(String) : [];
    const node = typeof e.data.node === "string" ? e.data.node : null;
    return { mode: e.event.slice(PROTOCOL_EVENT_PREFIX.length), namespace, node, data: e.data.data };
  }
  const [mode = "", ...namespace] = e.event.split("|");
  return { mode, namespace, node: null, data: e.data };
}

/** Subgraph segments are `node:taskId`: the task id changes each time, the node is what a person reads. */
function readable(namespace: string[]): string[] {
  return namespace.map((segment) => segment.split(":")[0] ?? segment);
}

/** Total tokens of the messages in a value (an update, a task's result), found at most a few levels down. */
function tokensIn(value: unknown, depth = 0): number {
  if (depth > 4) return 0;
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + tokensIn(v, depth + 1), 0);
  if (!isRecord(value)) return 0;
  const usage = value.usage_metadata;
  if (isRecord(usage) && typeof usage.total_tokens === "number") return usage.total_tokens;
  return Object.values(value).reduce<number>((sum, v) => sum + tokensIn(v, depth + 1), 0);
}

/** The task a `tasks` or `debug` event is about: its start (`input`) or its result. */
function taskOf(
  mode: string,
  data: unknown,
): { id: string; name: string; phase: "start" | "result"; payload: Record<string, unknown> } | null {
  const payload = mode === "debug" && isRecord(data) ? data.payload : data;
  if (!isRecord(payload) || typeof payload.id !== "string" || typeof payload.name !== "string") return null;
  if (mode === "debug") {
    const type = isRecord(data) ? data.type : undefined;
    if (type !== "task" && type !== "task_result") return null;
    return { id: payload.id, name: payload.name, phase: type === "task" ? "start" : "result", payload };
  }
  return { id: payload.id, name: payload.name, phase: "input" in payload || "triggers" in payload ? "start" : "result", payload };
}

/** How a step that never said it finished ended: as its run did. */
function unfinishedStatus(runStatus: string): TraceStepStatus {
  if (runStatus === "pending" || runStatus === "running") return "running";
  if (runStatus === "success") return "success";
  if (runStatus === "error") return "error";
  return "interrupted";
}

/**
 * A run's steps from its recorded events. The richest stream modes decide:
 * `tasks` or `debug` give each node's exact start and result; otherwise a node's
 * `updates` event ends its step (which started when the previous update of that
 * graph arrived, or at its first streamed token), and `messages-tuple` tokens name
 * the node that is streaming them. A run streamed with `values` alone says nothing
 * of its nodes: its steps are its supersteps. Token counts come from the usage the
 * model reported in the messages.
 */
export function traceOf(run: { status: string }, recorded: Iterable<RecordedEvent>): RunTrace {
  const all = [...recorded].map((e) => ({ ...e, ...normalize(e) }));
  const hasTasks = all.some((e) => e.mode === "tasks" || e.mode === "debug");
  const hasNodes = hasTasks || all.some((e) => e.mode === "updates" || (e.mode === "messages" && Array.isArray(e.data)));
  const steps: TraceStep[] = [];
  const events: TraceEvent[] = [];
  const nsKey = (ns: string[]) => ns.join("|");
  /** when the previous step of each graph ended: where an update-only step starts */
  const boundary = new Map<string, Date>();
  const firstAt = all[0]?.createdAt ?? new Date(0);
  const open = (ns: string[], node: string) =>
    steps.findLast((s) => s.endedAt === null && s.node === node && nsKey(s.namespace) === nsKey(readable(ns)));
  const latest = (ns: string[], node: string) => steps.findLast((s) => s.node === node && nsKey(s.namespace) === nsKey(readable(ns)));
  const begin = (id: string, ns: string[], node: string, at: Date): TraceStep => {
    const step: TraceStep = {
      id,
      node,
      namespace: readable(ns),
      startedAt: at,
      endedAt: null,
      status: "running",
      tokens: null,
      eventIds: [],
    };
    steps.push(step);
    return step;
  };
  const addTokens = (step: TraceStep, tokens: number) => {
    if (tokens > 0) step.tokens = (step.tokens ?? 0) + tokens;
  };
  let valuesSeen = 0;

  for (const e of all) {
    let node: string | null = e.node;
    if (e.mode === "tasks" || e.mode === "debug") {
      const task = taskOf(e.mode, e.data);
      if (task) {
        node = task.name;
        let step = steps.find((s) => s.id === task.id);
        if (!step) step = begin(task.id, e.namespace, task.name, e.createdAt);
        step.eventIds.push(e.seq);
        if (task.phase === "result") {
          step.endedAt = e.createdAt;
          const interrupts = task.payload.interrupts;
          step.status = task.payload.error ? "error" : Array.isArray(interrupts) && interrupts.length > 0 ? "interrupted" : "success";
          if (step.tokens === null) addTokens(step, tokensIn(task.payload.result));
        }
      }
    } else if (e.mode === "updates" && isRecord(e.data)) {
      const nodes = e.node !== null ? [e.node] : Object.keys(e.data);
      node = nodes.length === 1 ? (nodes[0] ?? null) : null;
      const key = nsKey(e.namespace);
      for (const name of nodes) {
        if (hasTasks) {
          latest(e.namespace, name)?.eventIds.push(e.seq);
          continue;
        }
        const update = e.node !== null ? e.data : e.data[name];
        let step = open(e.namespace, name);
        if (!step) step = begin(`${name}#${steps.length + 1}`, e.namespace, name, boundary.get(key) ?? firstAt);
        step.eventIds.push(e.seq);
        step.endedAt = e.createdAt;
        step.status = name === "__interrupt__" ? "interrupted" : "success";
        if (step.tokens === null) addTokens(step, tokensIn(update));
      }
      boundary.set(key, e.createdAt);
    } else if (e.mode === "messages" && Array.isArray(e.data)) {
      const [chunk, metadata] = e.data as [unknown, unknown];
      const name = isRecord(metadata) && typeof metadata.langgraph_node === "string" ? metadata.langgraph_node : null;
      node = name;
      if (name !== null) {
        const step =
          open(e.namespace, name) ?? (hasTasks ? undefined : begin(`${name}#${steps.length + 1}`, e.namespace, name, e.createdAt));
        if (step) {
          step.eventIds.push(e.seq);
          addTokens(step, tokensIn(chunk, 4));
        }
      }
    } else if (e.mode === "values" && !hasNodes && e.namespace.length === 0) {
      // the first values event is the state the run started from; each next one ends a superstep
      if (valuesSeen > 0) {
        const step = begin(`step#${valuesSeen}`, [], `step ${valuesSeen}`, boundary.get("") ?? firstAt);
        step.eventIds.push(e.seq);
        step.endedAt = e.createdAt;
        step.status = "success";
      }
      boundary.set("", e.createdAt);
      valuesSeen++;
    } else if (e.mode === "error") {
      for (const step of steps) {
        if (step.endedAt !== null) continue;
        step.endedAt = e.createdAt;
        step.status = "error";
      }
    }
    events.push({ id: e.seq, at: e.createdAt, node });
  }

  const lastAt = all.at(-1)?.createdAt ?? firstAt;
  const status = unfinishedStatus(run.status);
  for (const step of steps) {
    if (step.endedAt !== null || status === "running") continue;
    step.endedAt = lastAt;
    step.status = status;
  }
  return { steps, events };
}
