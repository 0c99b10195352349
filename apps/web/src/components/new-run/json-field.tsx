import type { ReactNode, Ref } from "react";
import styles from "./new-run.module.css";

interface Props {
  id: string;
  label: string;
  value: string;
  /** the parse error to show under the field; null while the text is unchecked or valid */
  error: string | null;
  onChange: (value: string) => void;
  placeholder?: string;
  /** shown under the field while it has no error */
  hint?: ReactNode;
  ref?: Ref<HTMLTextAreaElement>;
}

/** A JSON object typed as text: the label, the textarea, and its error (or hint) tied to it for screen readers. */
export function JsonField({ id, label, value, error, onChange, placeholder, hint, ref }: Props) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={ref}
        rows={3}
        className={styles.code}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : hint ? hintId : undefined}
      />
      {error ? (
        <p id={errorId} role="alert" className="error">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className={`muted ${styles.hint}`}>
          {hint}
        </p>
      ) : null}
    </>
  );
}
