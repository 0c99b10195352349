import { TRACE_KWARG } from "../observe/run-tracing.ts";
import type { CreateRunRequest, RunKwargs } from "./types.ts";

const KWARG_KEYS = [
  "input",
  "command",
  "config",
  "context",
  "streamMode",
  "streamSubgraphs",
  "durability",
  "interruptBefore",
  "interruptAfter",
  "checkpointId",
  "onDisconnect",
  "webhook",
  "protocol",
] as const satisfies readonly (keyof RunKwargs)[];

/** The names earlier versions stored kwargs under (the LangGraph API's). */
const STORED_SNAKE_CASE: Record<string, keyof RunKwargs> = {
  stream_mode: "streamMode",
  stream_subgraphs: "streamSubgraphs",
  interrupt_before: "interruptBefore",
  interrupt_after: "interruptAfter",
  checkpoint_id: "checkpointId",
  on_disconnect: "onDisconnect",
};

/** The kwargs to store for a run request: its run options, those it gives. */
export function kwargsOf(request: CreateRunRequest): RunKwargs {
  return Object.fromEntries(KWARG_KEYS.filter((k) => request[k] !== undefined).map((k) => [k, request[k]]));
}

/**
 * The kwargs with the creating request's trace context (W3C traceparent), kept so
 * the run's trace continues on whichever worker executes it. Not a run option:
 * the executor alone reads it.
 */
export function withTrace(kwargs: RunKwargs, carrier: Record<string, string> | undefined): RunKwargs {
  return carrier ? ({ ...kwargs, [TRACE_KWARG]: carrier } as RunKwargs) : { ...kwargs };
}

/**
 * A stored run's kwargs: camelCase, whichever version wrote them, so a database
 * written before kwargs were camelCase still runs (and reads) the same.
 */
export function readKwargs(stored: unknown): RunKwargs {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    const name = STORED_SNAKE_CASE[key] ?? key;
    // a camelCase key wins over the old name of the same option
    if (name === key || !(name in stored)) out[name] = value;
  }
  return out as RunKwargs;
}
