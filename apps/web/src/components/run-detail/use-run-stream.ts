"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useRef, useState } from "react";
import { useTRPC } from "@/lib/trpc.tsx";
import { applyItem, EMPTY_STREAM, type EndStatus, type StreamState } from "./stream-state.ts";

export interface RunStream extends StreamState {
  /** connecting, streaming, ended, or failed (with the reason) */
  phase: "connecting" | "streaming" | "ended" | "error";
  error: string | null;
  /** opens the stream again after an error, resuming after the last event seen */
  reconnect: () => void;
}

/**
 * A run's events from its start (or its stored replay once finished), accumulated
 * into the log and the reply text. The transport resumes after the last tracked id
 * on its own; after an error, `reconnect` opens a new subscription from that id.
 */
export function useRunStream(runId: string, enabled: boolean, onEnd: (status: EndStatus) => void): RunStream {
  const trpc = useTRPC();
  const [state, setState] = useState<StreamState>(EMPTY_STREAM);
  const lastEventId = useRef<string | null>(null);
  // changes only on a manual reconnect: a new subscription from the last id seen
  const [resumeFrom, setResumeFrom] = useState<{ lastEventId: string | null }>({ lastEventId: null });
  const [error, setError] = useState<string | null>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  const subscription = useSubscription(
    trpc.runs.stream.subscriptionOptions(
      { runId, lastEventId: resumeFrom.lastEventId },
      {
        enabled,
        onStarted: () => setError(null),
        onData: (item) => {
          lastEventId.current = item.id;
          setState((prev) => applyItem(prev, item));
          if (item.data.type === "end") onEndRef.current(item.data.status);
        },
        onError: (err) => setError(err.message),
      },
    ),
  );

  const { reset } = subscription;
  const reconnect = useCallback(() => {
    setError(null);
    // the same input would not open a new subscription: start it again by hand
    if (lastEventId.current === resumeFrom.lastEventId) reset();
    else setResumeFrom({ lastEventId: lastEventId.current });
  }, [reset, resumeFrom.lastEventId]);

  const phase =
    state.endStatus !== null
      ? "ended"
      : error !== null || subscription.status === "error"
        ? "error"
        : state.log.length > 0 || subscription.status === "pending"
          ? "streaming"
          : "connecting";
  return {
    ...state,
    phase,
    error: error ?? (subscription.status === "error" ? (subscription.error?.message ?? "the stream failed") : null),
    reconnect,
  };
}
