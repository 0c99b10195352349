"use client";

import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { CopyButton } from "@/components/copy-button.tsx";
import { JsonTree } from "@/components/json-tree/json-tree.tsx";
import { formatClock } from "@/lib/format.ts";
import type { RunStream } from "./use-run-stream.ts";
import type { RunTrace } from "./use-run-trace.ts";
import styles from "./run-detail.module.css";

/** How many of the latest events are drawn: a long reply streams hundreds. */
const SHOWN = 300;

const PHASE_TEXT: Record<RunStream["phase"], string> = {
  connecting: "connecting…",
  streaming: "live",
  ended: "complete",
  error: "disconnected",
};

type TraceEvent = RunTrace["events"][number];

/**
 * The run's events as they stream: id, event name and a short line of its data;
 * opening one shows its whole data, the node that produced it and when it was
 * recorded (from the run's trace, read from the database).
 */
export function EventLog({ stream, trace }: { stream: RunStream; trace: RunTrace | undefined }) {
  const shown = stream.log.slice(-SHOWN);
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const recorded = useMemo(() => new Map<string, TraceEvent>(trace?.events.map((e) => [String(e.id), e])), [trace]);
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
            {shown.map((e) => {
              const open = opened.has(e.id);
              const meta = recorded.get(e.id);
              return (
                <li key={e.id} className={styles.logEntry}>
                  <button
                    type="button"
                    className={styles.logItem}
                    aria-expanded={open}
                    aria-label={`Event #${e.id} ${e.event}`}
                    onClick={() =>
                      setOpened((before) => {
                        const next = new Set(before);
                        if (open) next.delete(e.id);
                        else next.add(e.id);
                        return next;
                      })
                    }
                  >
                    <span className={styles.logId}>#{e.id}</span>
                    <span className={styles.logEvent}>{e.event}</span>
                    <code className={styles.logData}>{e.summary}</code>
                  </button>
                  {open ? (
                    <div className={styles.logDetail} role="region" aria-label={`Event #${e.id}`}>
                      <dl className={`facts ${styles.logFacts}`}>
                        <dt>Node</dt>
                        <dd>{meta ? (meta.node ?? "—") : "…"}</dd>
                        <dt>Recorded</dt>
                        <dd>{meta ? formatClock(meta.at) : "…"}</dd>
                      </dl>
                      <div className={styles.logButtons}>
                        <CopyButton label="Copy payload" text={() => JSON.stringify(e.data, null, 2)} />
                        <CopyButton label="Copy event id" text={e.id} />
                      </div>
                      <JsonTree value={e.data} label={`Payload of event #${e.id}`} className={styles.logTree} />
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </>
      )}
      {stream.endStatus ? <p className="muted">Stream ended with status {stream.endStatus}.</p> : null}
    </section>
  );
}
