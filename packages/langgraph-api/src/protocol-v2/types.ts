/**
 * The thread-centric streaming protocol as `@langchain/langgraph-sdk` 1.15 speaks
 * it (`client.threads.stream`), the parts this server serves. `@langchain/protocol`
 * holds the full types; these are the shapes we write, kept local so the door
 * does not depend on a types-only package.
 */

export type Namespace = string[];

/** An event on the wire: `seq` orders a thread's events, `event_id` is what clients de-duplicate by. */
export interface ProtocolEvent {
  type: "event";
  event_id: string;
  seq: number;
  method: string;
  params: { namespace: Namespace; timestamp: number; node?: string; data: unknown };
}

/** A command: `run.start`, `input.*`, `state.*`, `agent.getTree`, and over WebSocket `subscription.*`. */
export interface ProtocolCommand {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

export type ErrorCode = "invalid_argument" | "unknown_command" | "no_such_run" | "no_such_subscription" | "not_supported" | "unknown_error";

export interface ProtocolSuccess {
  type: "success";
  id: number;
  result: unknown;
  meta?: { thread_id: string; applied_through_seq?: number };
}

export interface ProtocolError {
  type: "error";
  id: number | null;
  error: ErrorCode;
  message: string;
}

export type ProtocolResponse = ProtocolSuccess | ProtocolError;

/** Which events a reader wants: channels, optionally under namespace prefixes (at most `depth` below them), after `since`. */
export interface EventFilter {
  channels: string[];
  namespaces?: Namespace[];
  depth?: number;
  since?: number;
}
