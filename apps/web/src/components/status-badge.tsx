import type { RunStatus, ThreadStatus } from "@lgrs/runtime/enums";

/** A tone for every run and thread status (a status added to the schema must get one here). */
const TONES: Record<RunStatus | ThreadStatus, string> = {
  pending: "badge-wait",
  running: "badge-live",
  busy: "badge-live",
  success: "badge-ok",
  idle: "badge-idle",
  interrupted: "badge-warn",
  error: "badge-bad",
  timeout: "badge-bad",
};

const toneOf: Partial<Record<string, string>> = TONES;

/** A run's or thread's status as a coloured badge whose text is the status itself (what tests and screen readers read). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge ${toneOf[status] ?? "badge-idle"}`} data-status={status} aria-label={label ? `${label}: ${status}` : undefined}>
      {status}
    </span>
  );
}
