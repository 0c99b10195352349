"use client";

import { useId } from "react";
import { parseMetadataFilter } from "@/components/list-filters/metadata.ts";
import { SearchField } from "@/components/list-filters/search-field.tsx";
import { OwnerSelect, type OwnerOption } from "@/components/list-filters/owner-select.tsx";
import { assistantLabel, sortAssistants } from "@/components/list-filters/assistant-names.ts";
import filterStyles from "@/components/list-filters/list-filters.module.css";
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

/** Find text, status, assistant, time, metadata and (for an admin) owner filters for the runs table. */
export function RunFiltersBar({
  value,
  onChange,
  assistants,
  owners,
}: {
  value: RunFilters;
  onChange: (next: RunFilters) => void;
  assistants: Pick<AssistantRow, "id" | "name" | "graphId" | "ownerId">[];
  /** the owners to choose from; undefined: no owner filter (not an admin) */
  owners?: OwnerOption[];
}) {
  const id = useId();
  const metadata = parseMetadataFilter(value.metadata);
  return (
    <form className={filterStyles.filters} role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <SearchField
        id={`${id}-text`}
        label="Find"
        value={value.text}
        placeholder="Run id, thread id or text in input and metadata"
        onApply={(text) => onChange({ ...value, text })}
        wide
      />
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
          {sortAssistants(assistants).map((a) => (
            <option key={a.id} value={a.id}>
              {assistantLabel(a)}
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
      {owners ? (
        <OwnerSelect id={`${id}-owner`} value={value.ownerId} owners={owners} onChange={(ownerId) => onChange({ ...value, ownerId })} />
      ) : null}
      <SearchField
        id={`${id}-metadata`}
        label="Metadata"
        value={value.metadata}
        placeholder="key=value, key=value"
        onApply={(text) => onChange({ ...value, metadata: text })}
        error={metadata.ok ? null : metadata.error}
      />
      {isFiltered(value) ? (
        <button type="button" className={`btn ${styles.small}`} onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
