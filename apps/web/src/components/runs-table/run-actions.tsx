"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { CANCEL_ACTIONS, type CancelAction } from "@lgrs/runtime/enums";
import { isInFlight, shortId } from "@/lib/format.ts";
import { useTRPC } from "@/lib/trpc.tsx";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import type { RunRow } from "./filter-model.ts";
import styles from "./runs-table.module.css";

const COPY: Record<CancelAction, { button: string; title: (id: string) => string; body: string }> = {
  interrupt: {
    button: "Cancel",
    title: (id) => `Cancel run ${id}?`,
    body: "The run stops where it is. What it saved to its thread so far is kept.",
  },
  rollback: {
    button: "Roll back",
    title: (id) => `Roll back run ${id}?`,
    body: "The run stops and its thread goes back to how it was before the run: everything the run saved is removed.",
  },
};

/**
 * Cancel run / Roll back run for one row, each after a confirmation. The row's
 * new status arrives through the runs watch; the answer of the cancel is kept too.
 */
export function RunActions({ run, onChanged }: { run: RunRow; onChanged: (run: RunRow) => void }) {
  const trpc = useTRPC();
  const [asking, setAsking] = useState<CancelAction | null>(null);
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const short = shortId(run.id);
  const live = isInFlight(run.status);
  const stopping = cancel.isSuccess && live;

  function confirm(action: CancelAction) {
    cancel.mutate(
      { runId: run.id, action, wait: false },
      {
        onSuccess: (answer) => {
          onChanged(answer);
          setAsking(null);
        },
      },
    );
  }

  return (
    <div className={styles.actions}>
      {CANCEL_ACTIONS.map((action) => (
        <button
          key={action}
          type="button"
          className={`btn ${styles.small}`}
          disabled={!live || stopping}
          aria-label={`${action === "interrupt" ? "Cancel" : "Roll back"} run ${short}`}
          title={live ? undefined : `Only a pending or running run can be ${action === "interrupt" ? "cancelled" : "rolled back"}`}
          onClick={() => {
            cancel.reset();
            setAsking(action);
          }}
        >
          {COPY[action].button}
        </button>
      ))}
      {stopping ? (
        <span className="muted" role="status">
          stopping…
        </span>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={COPY[asking].title(short)}
          keepLabel="Keep running"
          busy={cancel.isPending}
          error={cancel.error ? `Could not stop the run: ${cancel.error.message}` : null}
          onConfirm={() => confirm(asking)}
          onClose={() => setAsking(null)}
        >
          <p>{COPY[asking].body}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
