import type { UsageCaller } from "@lgrs/runtime/enums";
import type { Bucket } from "./usage-window.ts";

/**
 * Bucket labels in the viewer's locale. Hours in the viewer's time zone; days
 * are UTC days (what the API buckets by), so they are named in UTC, or a day
 * would show as the evening before west of Greenwich.
 */
export function tickLabel(start: number, bucket: Bucket): string {
  const d = new Date(start);
  return bucket === "hour"
    ? d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })
    : d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

export function fullLabel(start: number, bucket: Bucket): string {
  const d = new Date(start);
  return bucket === "hour"
    ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : `${d.toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" })} (UTC)`;
}

/** A name for each caller the API records tokens for (a new caller must get one here). */
export const CALLER_LABELS: Record<UsageCaller, string> = {
  lead_agent: "Lead agent",
  subagent: "Subagent",
  middleware: "Middleware",
};

export function callerLabel(caller: string): string {
  const labels: Partial<Record<string, string>> = CALLER_LABELS;
  return labels[caller] ?? caller;
}
