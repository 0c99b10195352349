"use client";

import { useState } from "react";
import { CopyButton } from "@/components/copy-button.tsx";
import { JsonTree } from "@/components/json-tree/json-tree.tsx";
import { StatusBadge } from "@/components/status-badge.tsx";
import { formatClock, formatDuration, formatTokens } from "@/lib/format.ts";
import type { RunStream } from "./use-run-stream.ts";
import type { RunTrace as Trace, TraceStep } from "./use-run-trace.ts";
import pageStyles from "./run-detail.module.css";
import styles from "./run-trace.module.css";

/** The step's events as the stream delivered them: its payload, in order. */
function payloadOf(step: TraceStep, log: RunStream["log"]): unknown[] {
  // the log is in id order from the run's first event: look each id up where it should be, then search
  return step.eventIds.map((id) => {
    const guess = log[id - 1];
    const entry = guess?.id === String(id) ? guess : log.find((e) => e.id === String(id));
    return entry ? { id, event: entry.event, data: entry.data } : { id, event: null, data: "not received yet" };
  });
}

function stepName(step: TraceStep): string {
  return [...step.namespace, step.node].join(" › ");
}

/**
 * The run's steps as a timeline: each node execution with its start (from the
 * run's first event), duration, status and tokens, and a bar placing it in the
 * run's span. Opening a step shows its events' payloads.
 */
export function RunTrace({ trace, stream, loading }: { trace: Trace | undefined; stream: RunStream; loading: boolean }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const { log } = stream;
  const steps = trace?.steps ?? [];
  const origin = trace?.events[0]?.at.getTime() ?? 0;
  const live = stream.endStatus === null;
  // a step still running reaches to now, so the span grows with it
  const end = Math.max(origin + 1, ...steps.map((s) => (s.endedAt ?? new Date()).getTime()), trace?.events.at(-1)?.at.getTime() ?? 0);
  const span = end - origin;

  return (
    <section className={`card ${pageStyles.card}`} aria-labelledby="trace-heading">
      <div className="card-head">
        <h2 id="trace-heading">Trace</h2>
        <span className="muted">
          {steps.length} {steps.length === 1 ? "step" : "steps"}
          {steps.length ? ` · ${formatDuration(span)}` : ""}
        </span>
      </div>
      {steps.length === 0 ? (
        <p className="muted">
          {loading
            ? "Loading the trace…"
            : live
              ? "No steps yet."
              : "The run's events name no nodes. Stream it with updates, tasks or messages-tuple to see its steps."}
        </p>
      ) : (
        <ol className={styles.steps} aria-label="Run steps">
          {steps.map((step) => {
            const start = step.startedAt.getTime() - origin;
            const duration = (step.endedAt ?? new Date()).getTime() - step.startedAt.getTime();
            const open = openId === step.id;
            return (
              <li key={step.id} className={styles.step} data-status={step.status}>
                <button
                  type="button"
                  className={styles.stepRow}
                  aria-expanded={open}
                  aria-controls={`step-${step.id}`}
                  onClick={() => setOpenId(open ? null : step.id)}
                >
                  <span className={styles.stepName}>{stepName(step)}</span>
                  <span className={styles.stepTimes}>
                    +{formatDuration(start)} · {step.endedAt ? formatDuration(duration) : `${formatDuration(duration)} so far`}
                    {step.tokens !== null ? ` · ${formatTokens(step.tokens)} tokens` : ""}
                  </span>
                  <StatusBadge status={step.status} label={`Step ${stepName(step)}`} />
                  <span className={styles.track} aria-hidden="true">
                    <span
                      className={styles.bar}
                      style={{ left: `${(start / span) * 100}%`, width: `max(3px, ${(Math.max(duration, 0) / span) * 100}%)` }}
                    />
                  </span>
                </button>
                {open ? (
                  <div id={`step-${step.id}`} className={styles.detail} role="region" aria-label={`Step ${stepName(step)}`}>
                    <dl className={`facts ${styles.facts}`}>
                      <dt>Started</dt>
                      <dd>{formatClock(step.startedAt)}</dd>
                      <dt>Ended</dt>
                      <dd>{step.endedAt ? formatClock(step.endedAt) : "running"}</dd>
                      <dt>Events</dt>
                      <dd>{step.eventIds.map((id) => `#${id}`).join(", ") || "none"}</dd>
                      <dt>Step id</dt>
                      <dd>
                        <code>{step.id}</code>
                      </dd>
                    </dl>
                    <div className={styles.buttons}>
                      <CopyButton label="Copy payload" text={() => JSON.stringify(payloadOf(step, log), null, 2)} />
                      <CopyButton label="Copy step id" text={step.id} />
                    </div>
                    <JsonTree value={payloadOf(step, log)} label="Step payload" />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
