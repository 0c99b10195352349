/** A run's or thread's status as a coloured badge whose text is the status itself (what tests and screen readers read). */
const TONES: Record<string, string> = {
  pending: "badge-wait",
  running: "badge-live",
  busy: "badge-live",
  success: "badge-ok",
  idle: "badge-idle",
  interrupted: "badge-warn",
  error: "badge-bad",
  timeout: "badge-bad",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge ${TONES[status] ?? "badge-idle"}`} data-status={status} aria-label={label ? `${label}: ${status}` : undefined}>
      {status}
    </span>
  );
}
