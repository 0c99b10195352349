import { STOP_KINDS, type RunStopReason } from "@lgrs/runtime/enums";
import { shortId } from "./format.ts";

/** The run's stop reason as stored, or null (a run nobody stopped, or a row from before reasons were kept). */
export function stopReasonOf(value: unknown): RunStopReason | null {
  const reason = value as Partial<RunStopReason> | null;
  if (!reason || typeof reason !== "object" || !(STOP_KINDS as readonly unknown[]).includes(reason.kind)) return null;
  return reason as RunStopReason;
}

/** An API key in words: its name in quotes, else its short id. */
function keyOf(by: RunStopReason["by"]): string {
  return `API key ${by?.apiKeyName ? `“${by.apiKeyName}”` : shortId(by?.apiKeyId ?? "")}`;
}

/** Who asked, in words: the operator's email, or the API key with its owner. */
export function stopper(by: RunStopReason["by"]): string {
  if (!by) return "an operator";
  const person = by.email ?? `user ${shortId(by.userId)}`;
  if (by.apiKeyId) return `${keyOf(by)} of ${person}`;
  return person;
}

/** A few words for a list row ("by alice@x.dev", "server shutdown"); the run page says it in full. */
export function stopSummary(reason: RunStopReason): string {
  switch (reason.kind) {
    case "operator":
      return `by ${reason.by?.email ?? "an operator"}`;
    case "api_key":
      return `by ${keyOf(reason.by)}`;
    case "multitask":
      return reason.replacedBy ? `replaced by ${shortId(reason.replacedBy)}` : "replaced by a newer run";
    case "shutdown":
      return reason.detail === "worker_lost" ? "its server went away" : "server shutdown";
    case "on_disconnect":
      return "client disconnected";
    case "cron_removed":
      return "cron removed";
  }
}
