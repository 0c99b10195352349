"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import styles from "./runs-table.module.css";

/**
 * A small modal question (a native <dialog>, so focus stays inside and Escape
 * backs out): "Confirm" does the thing, the other button leaves things as they are.
 */
export function ConfirmDialog({
  title,
  children,
  keepLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  keepLabel: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={titleId} className={styles.dialogTitle}>
        {title}
      </h2>
      <div id={bodyId} className={styles.dialogBody}>
        {children}
      </div>
      {error ? (
        <p className={styles.dialogError} role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.dialogButtons}>
        <button type="button" className="btn" onClick={onClose} disabled={busy} autoFocus>
          {keepLabel}
        </button>
        <button type="button" className={`btn ${styles.danger}`} onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {busy ? "Stopping…" : "Confirm"}
        </button>
      </div>
    </dialog>
  );
}
