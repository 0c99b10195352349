import Link from "next/link";
import type { ReactNode } from "react";
import type { RunStopReason } from "@lgrs/runtime/enums";
import { shortId } from "@/lib/format.ts";
import { stopper } from "@/lib/stop-reason.ts";
import styles from "./run-detail.module.css";

/** The door in words: a signed-in operator on tRPC is the dashboard. */
function via(reason: RunStopReason): string {
  const door = reason.by?.door;
  if (door === "langgraph-api") return " via the LangGraph API";
  if (door === "trpc") return reason.kind === "operator" ? " via dashboard" : " via the tRPC API";
  return "";
}

/** One sentence saying who or what stopped the run ("Cancelled by alice@x via dashboard"). */
export function StopReason({ reason }: { reason: RunStopReason }) {
  const rollback = reason.action === "rollback" ? " (rollback)" : "";
  let text: ReactNode;
  switch (reason.kind) {
    case "operator":
    case "api_key":
      text = `Cancelled by ${stopper(reason.by)}${via(reason)}${rollback}`;
      break;
    case "multitask":
      text = reason.replacedBy ? (
        <>
          Interrupted by run{" "}
          <Link href={`/runs/${reason.replacedBy}`} aria-label={`Run ${reason.replacedBy}`}>
            <code>{shortId(reason.replacedBy)}</code>
          </Link>{" "}
          (multitask: {reason.action})
        </>
      ) : (
        `Interrupted by a newer run on its thread (multitask: ${reason.action})`
      );
      break;
    case "shutdown":
      text =
        reason.detail === "worker_lost"
          ? "Stopped by server shutdown: its server process went away before the run finished"
          : "Stopped by server shutdown";
      break;
    case "on_disconnect":
      text = "Cancelled when its client disconnected (on_disconnect: cancel)";
      break;
    case "cron_removed":
      text = `Cancelled because its cron was removed${rollback}`;
      break;
  }
  return (
    <p className={styles.stopReason} role="note" aria-label="Stop reason">
      {text}
    </p>
  );
}
