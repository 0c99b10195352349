"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { CancelAction } from "@lgrs/runtime/enums";
import { isInFlight } from "@/lib/format.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import type { RunRow } from "./run-header.tsx";
import styles from "./run-detail.module.css";

const CONFIRM: Record<CancelAction, { title: string; body: string }> = {
  interrupt: {
    title: "Cancel this run?",
    body: "The run stops now. What it has checkpointed so far stays on the thread.",
  },
  rollback: {
    title: "Roll back this run?",
    body: "The run stops now and the thread returns to its state before the run: everything this run wrote is removed.",
  },
};

/** Cancel and roll back, each behind a confirmation; only while the run is pending or running. */
export function RunActions({ run, onCancelled }: { run: RunRow; onCancelled: (run: RunRow) => void }) {
  const trpc = useTRPC();
  const [asking, setAsking] = useState<CancelAction | null>(null);
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: onCancelled }));
  const live = isInFlight(run.status);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (asking && live && !el.open) el.showModal();
    if ((!asking || !live) && el.open) el.close();
  }, [asking, live]);

  function confirm() {
    if (!asking) return;
    cancel.mutate({ runId: run.id, action: asking, wait: true });
    setAsking(null);
  }

  return (
    <div className={styles.actions}>
      <button type="button" className="btn" disabled={!live || cancel.isPending} onClick={() => setAsking("interrupt")}>
        Cancel run
      </button>
      <button type="button" className="btn" disabled={!live || cancel.isPending} onClick={() => setAsking("rollback")}>
        Roll back run
      </button>
      {cancel.isPending ? (
        <span className="muted" role="status">
          Stopping the run…
        </span>
      ) : !live ? (
        <span className="muted">The run has finished: it can no longer be cancelled.</span>
      ) : null}
      {cancel.isError ? (
        <p className="error-box" role="alert">
          Could not stop the run: {cancel.error.message}
        </p>
      ) : null}
      <dialog ref={dialog} className={styles.dialog} aria-labelledby="confirm-title" onClose={() => setAsking(null)}>
        {asking ? (
          <>
            <h2 id="confirm-title">{CONFIRM[asking].title}</h2>
            <p>{CONFIRM[asking].body}</p>
            <div className={styles.dialogButtons}>
              <button type="button" className="btn" onClick={() => setAsking(null)} autoFocus>
                Keep running
              </button>
              <button type="button" className="btn btn-primary" onClick={confirm}>
                Confirm
              </button>
            </div>
          </>
        ) : null}
      </dialog>
    </div>
  );
}
