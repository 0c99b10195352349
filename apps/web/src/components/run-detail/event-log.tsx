"use client";

import { useLayoutEffect, useRef } from "react";
import type { RunStream } from "./use-run-stream.ts";
import styles from "./run-detail.module.css";

/** How many of the latest events are drawn: a long reply streams hundreds. */
const SHOWN = 300;

const PHASE_TEXT: Record<RunStream["phase"], string> = {
  connecting: "connecting…",
  streaming: "live",
  ended: "complete",
  error: "disconnected",
};

/** The run's events as they stream: id, event name and a short line of its data. */
export function EventLog({ stream }: { stream: RunStream }) {
  const shown = stream.log.slice(-SHOWN);
  const list = useRef<HTMLOListElement>(null);
  // follows the newest event while the reader is at the bottom; scrolling up stops following
  const following = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new event is what should scroll the list
  useLayoutEffect(() => {
    const el = list.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [stream.log.length]);
  return (
    <section className={`card ${styles.card}`} aria-labelledby="events-heading">
      <div className="card-head">
        <h2 id="events-heading">Events</h2>
        <span className="muted" aria-label="Event stream">
          {stream.log.length} · {PHASE_TEXT[stream.phase]}
        </span>
      </div>
      {stream.phase === "error" ? (
        <div className="error-box" role="alert">
          <p className={styles.tight}>The event stream stopped: {stream.error}</p>
          <button type="button" className="btn" onClick={stream.reconnect}>
            Reconnect
          </button>
        </div>
      ) : null}
      {stream.log.length === 0 ? (
        <p className="muted">{stream.phase === "ended" ? "This run recorded no events." : "No events yet."}</p>
      ) : (
        <>
          {stream.log.length > shown.length ? (
            <p className="muted">
              Showing the latest {shown.length} of {stream.log.length} events.
            </p>
          ) : null}
          <ol
            ref={list}
            className={styles.log}
            aria-label="Event log"
            tabIndex={0}
            onScroll={(e) => {
              const el = e.currentTarget;
              following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
            }}
          >
            {shown.map((e) => (
              <li key={e.id} className={styles.logItem}>
                <span className={styles.logId}>#{e.id}</span>
                <span className={styles.logEvent}>{e.event}</span>
                <code className={styles.logData}>{e.summary}</code>
              </li>
            ))}
          </ol>
        </>
      )}
      {stream.endStatus ? <p className="muted">Stream ended with status {stream.endStatus}.</p> : null}
    </section>
  );
}
