import type { Actor } from "../actor.ts";
import type { BridgeItem } from "../bridge/index.ts";
import type { CancelAction, RunStopReason, StopDoor } from "../enums.ts";

export type { RunStopReason };

/**
 * The reason a caller's cancel records: an API key when the caller presented one
 * (its id and name), else the signed-in operator, with the door it came through.
 */
export function stoppedByCaller(actor: Actor, action: CancelAction, door?: StopDoor): RunStopReason {
  const by: NonNullable<RunStopReason["by"]> = { userId: actor.userId };
  if (actor.email) by.email = actor.email;
  if (door) by.door = door;
  if (actor.apiKey) {
    by.apiKeyId = actor.apiKey.id;
    by.apiKeyName = actor.apiKey.name;
  }
  return { kind: actor.via === "api-key" ? "api_key" : "operator", action, by, at: new Date().toISOString() };
}

/** A stop the server decides itself (multitask, shutdown, a client leaving, a cron removed). */
export function stoppedBy(
  kind: Exclude<RunStopReason["kind"], "operator" | "api_key">,
  action: CancelAction,
  extra: Pick<RunStopReason, "replacedBy" | "cronId" | "detail"> = {},
): RunStopReason {
  return { kind, action, ...extra, at: new Date().toISOString() };
}

/** What a stream says when a shutdown stopped its run: the SDK reads it as the stream's error. */
export const SHUTDOWN_ERROR = {
  type: "ServerShutdown",
  message: "the server is shutting down: the run was stopped before it finished",
} as const;

/**
 * The last item of a stream the server closes at shutdown before its run has
 * ended (the run was still queued, or goes on in another fleet member): an error
 * naming the shutdown, so the client knows the connection did not just drop. It
 * is not part of the run's log (never stored, no id of its own: it repeats the
 * last id read, so a client that joins again later resumes where it was).
 */
export function shutdownNotice(lastId: number): BridgeItem {
  return {
    type: "event",
    id: lastId,
    event: "error",
    data: {
      error: SHUTDOWN_ERROR.type,
      message:
        "the server is shutting down: this stream closes before its run has ended; the run is not stopped (it starts or goes on once a server takes it): join it again to follow it",
    },
  };
}
