"use client";

import { useEffect, useState } from "react";
import styles from "./list-filters.module.css";

/**
 * A text field whose value is applied on Enter or by its button (not per keystroke:
 * each applied value is a database search and an address change). It follows the
 * applied value when that changes elsewhere (Clear filters, the address).
 */
export function SearchField({
  id,
  label,
  value,
  placeholder,
  onApply,
  error,
  wide,
}: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  onApply: (value: string) => void;
  error?: string | null;
  wide?: boolean;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const errorId = `${id}-error`;
  return (
    <div className={`${styles.field} ${wide ? styles.wide : ""}`}>
      <label htmlFor={id}>{label}</label>
      <div className={styles.inputRow}>
        <input
          id={id}
          type="search"
          value={draft}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              onApply(draft.trim());
            }
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        <button type="button" className="btn btn-small" onClick={() => onApply(draft.trim())} aria-label={`Apply ${label.toLowerCase()}`}>
          Apply
        </button>
      </div>
      {error ? (
        <span id={errorId} role="alert" className={styles.error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
