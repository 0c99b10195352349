"use client";

import styles from "./runs-table.module.css";

/** Whether the table is receiving live updates, with a way to reconnect when it stopped. */
export function LiveIndicator({
  status,
  error,
  onReconnect,
}: {
  status: "idle" | "connecting" | "pending" | "error";
  error: { message: string } | null;
  onReconnect: () => void;
}) {
  if (status === "error") {
    return (
      <div className={styles.live} role="alert">
        <span className={styles.dotOff} aria-hidden="true" />
        Live updates stopped{error ? `: ${error.message}` : ""}
        <button type="button" className={`btn ${styles.small}`} onClick={onReconnect}>
          Reconnect
        </button>
      </div>
    );
  }
  const connected = status === "pending";
  return (
    <p className={styles.live} role="status" aria-live="polite" data-live={connected ? "on" : "off"}>
      <span className={connected ? styles.dotOn : styles.dotOff} aria-hidden="true" />
      {connected ? "Live" : "Connecting…"}
    </p>
  );
}
