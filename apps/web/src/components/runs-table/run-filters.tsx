"use client";

import { useId } from "react";
import {
  type AssistantRow,
  isFiltered,
  NO_FILTERS,
  type RunFilters,
  sinceFor,
  STATUSES,
  TIME_WINDOWS,
  type TimeWindow,
} from "./filter-model.ts";
import styles from "./runs-table.module.css";

/** Status, assistant and time filters for the runs table. */
export function RunFiltersBar({
  value,
  onChange,
  assistants,
}: {
  value: RunFilters;
  onChange: (next: RunFilters) => void;
  assistants: Pick<AssistantRow, "id" | "name" | "graphId">[];
}) {
  const id = useId();
  return (
    <form className={styles.filters} role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-status`}>
        <span>Status</span>
        <select
          id={`${id}-status`}
          value={value.status}
          onChange={(e) => onChange({ ...value, status: e.target.value as RunFilters["status"] })}
        >
          <option value="all">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-assistant`}>
        <span>Assistant</span>
        <select id={`${id}-assistant`} value={value.assistantId} onChange={(e) => onChange({ ...value, assistantId: e.target.value })}>
          <option value="all">all</option>
          {assistants.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name === a.graphId ? a.name : `${a.name} (${a.graphId})`}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-time`}>
        <span>Time</span>
        <select
          id={`${id}-time`}
          value={value.time}
          onChange={(e) => {
            const time = e.target.value as TimeWindow;
            onChange({ ...value, time, since: sinceFor(time) });
          }}
        >
          {TIME_WINDOWS.map((w) => (
            <option key={w.value} value={w.value}>
              {w.label}
            </option>
          ))}
        </select>
      </label>
      {isFiltered(value) ? (
        <button type="button" className={`btn ${styles.small}`} onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
