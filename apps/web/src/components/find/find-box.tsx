"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import styles from "./find.module.css";

/** The dashboard's find box: a run id, a thread id or any text, answered on the Find page. */
export function FindBox({
  initial = "",
  autoFocus = false,
  compact = false,
}: {
  initial?: string;
  autoFocus?: boolean;
  compact?: boolean;
}) {
  const router = useRouter();
  const [text, setText] = useState(initial);
  return (
    <form
      role="search"
      aria-label="Find runs and threads"
      className={compact ? styles.compact : styles.box}
      onSubmit={(e) => {
        e.preventDefault();
        const q = text.trim();
        if (q) router.push(`/find?q=${encodeURIComponent(q)}`);
      }}
    >
      <input
        type="search"
        aria-label="Run id, thread id or text"
        placeholder={compact ? "Find runs and threads" : "Run id, thread id or text"}
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoFocus={autoFocus}
        spellCheck={false}
        autoComplete="off"
      />
      {/* in the top bar Enter submits: the button stays for assistive technology, out of sight to save the bar's width */}
      <button type="submit" className={compact ? "sr-only" : "btn btn-small"}>
        Find
      </button>
    </form>
  );
}
